//! The REST calls that apply a [`Protection`]: method, path and body, for the caller to send.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::{Protection, github_branch_protection, github_ruleset, gitlab_settings};

/// An HTTP method of the REST calls this crate describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
}

impl Method {
    /// The method as written on the request line (`PUT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One REST call: the path is relative to the API root (`https://api.github.com`, or GitLab's
/// `…/api/v4`), with every caller-supplied segment percent-encoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiRequest {
    /// The method.
    pub method: Method,
    /// The path, starting with `/`.
    pub path: String,
    /// The JSON body.
    pub body: Value,
}

/// Creates (`POST /repos/{owner}/{repo}/rulesets`) or, given the id of the ruleset to
/// replace, updates (`PUT /repos/{owner}/{repo}/rulesets/{id}`) the ruleset named `name`.
///
/// `repository` is `owner/repo`; everything after the first `/` is the repository name, so a
/// malformed value cannot reach another endpoint (its slashes are encoded).
pub fn github_ruleset_request(
    protection: &Protection,
    repository: &str,
    name: &str,
    existing_id: Option<u64>,
) -> ApiRequest {
    let base = format!("{}/rulesets", repository_path(repository));
    let (method, path) = match existing_id {
        Some(id) => (Method::Put, format!("{base}/{id}")),
        None => (Method::Post, base),
    };
    ApiRequest {
        method,
        path,
        body: github_ruleset(protection, name),
    }
}

/// Replaces the classic protection of the branch:
/// `PUT /repos/{owner}/{repo}/branches/{branch}/protection`, the branch percent-encoded
/// (`release%2F1.x`).
pub fn github_branch_protection_request(protection: &Protection, repository: &str) -> ApiRequest {
    ApiRequest {
        method: Method::Put,
        path: format!(
            "{}/branches/{}/protection",
            repository_path(repository),
            encode_segment(&protection.branch)
        ),
        body: github_branch_protection(protection),
    }
}

/// The GitLab calls, in order: `PUT /projects/:id` (merge settings), then
/// `POST /projects/:id/protected_branches`. `project` is a numeric id or a path
/// (`group/project`, sent as `group%2Fproject`).
///
/// GitLab answers `409 Conflict` to the second call when the branch is already protected: the
/// caller unprotects it first (`DELETE /projects/:id/protected_branches/:name`) or leaves it.
pub fn gitlab_requests(protection: &Protection, project: &str) -> Vec<ApiRequest> {
    let settings = gitlab_settings(protection);
    let base = format!("/projects/{}", encode_segment(project));
    vec![
        ApiRequest {
            method: Method::Put,
            path: base.clone(),
            body: settings.project,
        },
        ApiRequest {
            method: Method::Post,
            path: format!("{base}/protected_branches"),
            body: settings.protected_branch,
        },
    ]
}

/// Lists the rulesets of a repository (`GET /repos/{owner}/{repo}/rulesets`, the first 100):
/// with `include_parents`, the organization's rulesets that apply to it too (what protects the
/// branch); without, only its own (the one `apply` may update). The list has no rules: read
/// each with [`github_ruleset_get_request`].
pub fn github_rulesets_list_request(repository: &str, include_parents: bool) -> ApiRequest {
    get(format!(
        "{}/rulesets?includes_parents={include_parents}&per_page=100",
        repository_path(repository)
    ))
}

/// Reads the repository (`GET /repos/{owner}/{repo}`): its `default_branch` is what a
/// ruleset's `~DEFAULT_BRANCH` stands for.
pub fn github_repository_get_request(repository: &str) -> ApiRequest {
    get(repository_path(repository))
}

/// Reads one ruleset, rules included: `GET /repos/{owner}/{repo}/rulesets/{id}`.
pub fn github_ruleset_get_request(repository: &str, id: u64) -> ApiRequest {
    get(format!("{}/rulesets/{id}", repository_path(repository)))
}

/// Reads the classic protection of the branch: `GET /repos/{owner}/{repo}/branches/{branch}/protection`.
pub fn github_branch_protection_get_request(
    protection: &Protection,
    repository: &str,
) -> ApiRequest {
    get(format!(
        "{}/branches/{}/protection",
        repository_path(repository),
        encode_segment(&protection.branch)
    ))
}

/// Reads the project's settings, merge checks included: `GET /projects/:id`.
pub fn gitlab_project_get_request(project: &str) -> ApiRequest {
    get(format!("/projects/{}", encode_segment(project)))
}

/// Reads how the branch is protected: `GET /projects/:id/protected_branches/:name` (404 when it
/// is not protected).
pub fn gitlab_protected_branch_get_request(protection: &Protection, project: &str) -> ApiRequest {
    get(format!(
        "/projects/{}/protected_branches/{}",
        encode_segment(project),
        encode_segment(&protection.branch)
    ))
}

fn get(path: String) -> ApiRequest {
    ApiRequest {
        method: Method::Get,
        path,
        body: Value::Null,
    }
}

/// `/repos/{owner}/{repo}`, both parts encoded as single path segments.
fn repository_path(repository: &str) -> String {
    let (owner, repo) = repository.split_once('/').unwrap_or((repository, ""));
    format!("/repos/{}/{}", encode_segment(owner), encode_segment(repo))
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so the value stays one path
/// segment; `.` and `..` are encoded too, as they would move up the path.
pub(crate) fn encode_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("release/1.x"), "release%2F1.x");
        assert_eq!(encode_segment("group/sub group"), "group%2Fsub%20group");
        assert_eq!(encode_segment("42"), "42");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    #[test]
    fn repository_slashes_stay_inside_the_repository_segment() {
        assert_eq!(repository_path("o/r"), "/repos/o/r");
        assert_eq!(repository_path("o/r/../x"), "/repos/o/r%2F..%2Fx");
        assert_eq!(repository_path("../x"), "/repos/%2E%2E/x");
    }

    #[test]
    fn reads_are_gets_with_encoded_paths() {
        let request = github_rulesets_list_request("acme/shop", false);
        assert_eq!(request.method, Method::Get);
        assert_eq!(
            request.path,
            "/repos/acme/shop/rulesets?includes_parents=false&per_page=100"
        );
        assert_eq!(
            github_rulesets_list_request("acme/shop", true).path,
            "/repos/acme/shop/rulesets?includes_parents=true&per_page=100"
        );
        assert_eq!(
            github_ruleset_get_request("acme/shop", 42).path,
            "/repos/acme/shop/rulesets/42"
        );
        let protection = Protection::new("release/1.x", Vec::new());
        assert_eq!(
            github_branch_protection_get_request(&protection, "acme/shop").path,
            "/repos/acme/shop/branches/release%2F1.x/protection"
        );
        assert_eq!(
            gitlab_project_get_request("group/sub").path,
            "/projects/group%2Fsub"
        );
        assert_eq!(
            gitlab_protected_branch_get_request(&protection, "group/sub").path,
            "/projects/group%2Fsub/protected_branches/release%2F1.x"
        );
    }
}
