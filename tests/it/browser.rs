//! Headless Chromium driven through ChromeDriver (WebDriver over HTTP), with
//! axe-core's WCAG 2.1 A/AA rules run on the page it shows. `.ci/run`
//! installs Chromium and axe-core. Anywhere, a missing browser or axe-core
//! fails the test with what to install, unless SAFECOUNT_SKIP_BROWSER=1.

use std::path::PathBuf;

/// axe-core's script: `$SAFECOUNT_AXE`, else where `.ci/run` installs it.
pub fn axe_script() -> Option<String> {
    let path = std::env::var("SAFECOUNT_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/safecount-npm/node_modules/axe-core/axe.min.js")
        });
    let script = std::fs::read_to_string(&path).ok();
    if script.is_none() {
        crate::support::browser_tool_missing(
            "axe-core",
            "npm install --prefix ~/.cache/safecount-npm axe-core@4.14.1",
        );
    }
    script
}

/// One browser session; the driver process ends when this is dropped.
pub struct Browser {
    driver: std::process::Child,
    http: reqwest::Client,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    /// Start ChromeDriver and a headless Chromium session, or None (skipped)
    /// when Chromium is not installed.
    pub async fn start() -> anyhow::Result<Option<Browser>> {
        let Some(chromium) = crate::support::chromium() else {
            return Ok(None);
        };
        let driver_bin = PathBuf::from("/usr/bin/chromedriver");
        anyhow::ensure!(
            driver_bin.is_file(),
            "chromedriver is installed with chromium (chromium-driver)"
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let driver = std::process::Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        let wd = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http.get(format!("{wd}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir()?;
        let mut args: Vec<String> = crate::support::CHROMIUM_FLAGS
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push("--window-size=1100,1400".into());
        let session: serde_json::Value = http
            .post(format!("{wd}/session"))
            .json(&serde_json::json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": chromium, "args": args}}}}))
            .send()
            .await?
            .json()
            .await?;
        let id = session["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no session: {session}"))?;
        Ok(Some(Browser {
            driver,
            http,
            session: format!("{wd}/session/{id}"),
            _profile: profile,
        }))
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if !body.is_null() {
            req = req.json(&body);
        }
        let v: serde_json::Value = req.send().await?.json().await?;
        Ok(v["value"].clone())
    }

    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::POST,
            "/url",
            serde_json::json!({ "url": url }),
        )
        .await
        .map(|_| ())
    }

    /// An element by CSS selector, waiting up to five seconds for it.
    pub async fn find(&self, css: &str) -> anyhow::Result<String> {
        for _ in 0..50 {
            let v = self
                .call(
                    reqwest::Method::POST,
                    "/element",
                    serde_json::json!({"using": "css selector", "value": css}),
                )
                .await?;
            if let Some(id) = v.get(ELEMENT).and_then(|x| x.as_str()) {
                return Ok(id.to_string());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        anyhow::bail!("no element {css}")
    }

    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let el = self.find(css).await?;
        let path = format!("/element/{el}/value");
        let body = serde_json::json!({ "text": text });
        self.call(reqwest::Method::POST, &path, body)
            .await
            .map(|_| ())
    }

    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let el = self.find(css).await?;
        let path = format!("/element/{el}/click");
        let body = serde_json::json!({});
        self.call(reqwest::Method::POST, &path, body)
            .await
            .map(|_| ())
    }

    pub async fn text_of(&self, css: &str) -> anyhow::Result<String> {
        let el = self.find(css).await?;
        let path = format!("/element/{el}/text");
        let v = self
            .call(reqwest::Method::GET, &path, serde_json::Value::Null)
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Run a script in the page and return its value.
    pub async fn script(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        let body = serde_json::json!({ "script": script, "args": [] });
        self.call(reqwest::Method::POST, "/execute/sync", body)
            .await
    }

    /// axe-core's WCAG 2.0/2.1 A and AA rules on the page shown: each
    /// violation as "rule: first target (n nodes)".
    pub async fn axe(&self, axe: &str) -> anyhow::Result<Vec<String>> {
        self.script(&format!("{axe}\nreturn true;")).await?;
        let run = "var done = arguments[arguments.length - 1];\
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})\
            .then(function (r) { done(r.violations.map(function (v) {\
                return v.id + ': ' + JSON.stringify(v.nodes[0].target) + ' (' + v.nodes.length + ' nodes)'; })); })\
            .catch(function (e) { done(['axe failed: ' + e]); });";
        let body = serde_json::json!({ "script": run, "args": [] });
        let v = self
            .call(reqwest::Method::POST, "/execute/async", body)
            .await?;
        let list = v
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("axe answered {v}"))?;
        Ok(list
            .iter()
            .map(|x| x.as_str().unwrap_or_default().to_string())
            .collect())
    }

    pub async fn close(&self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}
