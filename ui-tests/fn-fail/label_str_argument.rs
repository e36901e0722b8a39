use metricsmith::counted;

#[counted(name = "logins_total", labels(user = user))]
fn login(user: &str) {
    let _ = user;
}

fn main() {}
