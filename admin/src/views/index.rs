//! The index (every app and model the user may see, and their recent
//! actions) and an app's own index.

use axum::extract::Path;
use axum::response::Response;

use crate::context::Staff;
use crate::display::{app_title, plural_title};
use crate::error::AdminError;
use crate::history::{recent_actions, ActionFlag};
use crate::templates::{render, AppSection, Crumb, IndexTemplate, ModelLink, RecentAction};

/// `GET /`.
pub(crate) async fn index(staff: Staff) -> Result<Response, AdminError> {
    let apps = sections(&staff, None);
    let user_id = staff.user.id;
    let entries = staff
        .admin
        .db
        .run(move |conn| recent_actions(conn, user_id, 10))
        .await?;
    let recent = entries
        .iter()
        .map(|entry| {
            let model = staff.admin.models.iter().find(|m| {
                m.schema.app_label == entry.app_label && m.model_name == entry.model_name
            });
            let (class, action) = match entry.action() {
                Some(ActionFlag::Addition) => ("addlink", "Added"),
                Some(ActionFlag::Deletion) => ("deletelink", "Deleted"),
                _ => ("changelink", "Changed"),
            };
            RecentAction {
                class,
                action,
                repr: entry.object_repr.clone(),
                url: model
                    .filter(|_| entry.action() != Some(ActionFlag::Deletion))
                    .filter(|m| m.perms(&staff.perms).view)
                    .map(|m| {
                        format!(
                            "{}{}/change/",
                            staff.model_url(m),
                            crate::changelist::encode_pk(&entry.object_id)
                        )
                    }),
                model: model.map_or_else(
                    || entry.model_name.clone(),
                    |m| crate::display::singular_title(m.schema),
                ),
            }
        })
        .collect();
    let layout = staff
        .layout(staff.admin.index_title.clone(), Vec::new())
        .await?;
    render(&IndexTemplate {
        layout,
        apps,
        recent,
        show_recent: true,
    })
}

/// `GET /{app}/`.
pub(crate) async fn app_index(
    staff: Staff,
    Path(app): Path<String>,
) -> Result<Response, AdminError> {
    let apps = sections(&staff, Some(&app));
    let Some(section) = apps.first() else {
        return Err(AdminError::NotFound(format!("No app {app} in the admin.")));
    };
    let title = format!("{} administration", section.name);
    let crumbs = vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::here(section.name.clone()),
    ];
    let layout = staff.layout(title, crumbs).await?;
    render(&IndexTemplate {
        layout,
        apps,
        recent: Vec::new(),
        show_recent: false,
    })
}

/// The apps (or one app) with the models the user has any permission on.
fn sections(staff: &Staff, only: Option<&str>) -> Vec<AppSection> {
    let mut sections: Vec<AppSection> = Vec::new();
    for model in &staff.admin.models {
        let app = model.schema.app_label.as_ref();
        if only.is_some_and(|only| only != app) {
            continue;
        }
        let perms = model.perms(&staff.perms);
        if !perms.any() {
            continue;
        }
        let url = staff.model_url(model);
        let link = ModelLink {
            name: plural_title(model.schema),
            url: perms.view.then(|| url.clone()),
            add_url: perms.add.then(|| format!("{url}add/")),
            change: perms.change,
        };
        match sections
            .iter_mut()
            .find(|s| s.url.ends_with(&format!("/{app}/")))
        {
            Some(section) => section.models.push(link),
            None => sections.push(AppSection {
                name: app_title(app),
                url: format!("{}/{app}/", staff.base),
                models: vec![link],
            }),
        }
    }
    sections
}
