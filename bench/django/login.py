"""Logs `bench` into the Django admin at BASE; prints the Cookie header."""
import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

base, password = sys.argv[1], sys.argv[2]
jar = CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(base + "/admin/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode(
    {"csrfmiddlewaretoken": token, "username": "bench", "password": password, "next": "/admin/"}
).encode()
request = urllib.request.Request(base + "/admin/login/?next=/admin/", data=form, headers={"Referer": base + "/admin/login/"})
opener.open(request).read()
cookies = {c.name: c.value for c in jar}
if "sessionid" not in cookies:
    sys.exit("login failed")
print("; ".join(f"{k}={v}" for k, v in cookies.items()))
