//! Misuses of `#[derive(Model)]` and `#[derive(Choices)]` must not compile,
//! and must say why at the attribute or type at fault.

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/*.rs");
}
