//! Where a scenario's `save` and `load` may touch the disk.
//!
//! Scenario files are shared like documents, so a path written in one resolves against the
//! scenario's own folder (not the working directory of whoever runs it) and may not leave that
//! folder: no absolute path, no `..` above it, no symbolic link out of it, unless the user
//! runs with `--files-anywhere`. Redis's own counterpart is `dir` + `dbfilename`: a server
//! writes its dump only where its configuration says, never where a client names.

use std::path::{Component, Path, PathBuf};

/// The folder a scenario's files live in, and whether the user let it reach outside.
pub struct FileRoot {
    base: PathBuf,
    anywhere: bool,
}

/// What to add to a refusal so the user knows the way out.
const HOW_TO_ALLOW: &str = "a scenario reads and writes files only inside its own folder; run with --files-anywhere to allow it";

impl FileRoot {
    /// The root for the scenario file at `scenario`.
    pub fn for_scenario(scenario: &Path, anywhere: bool) -> FileRoot {
        let base = match scenario.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        FileRoot { base, anywhere }
    }

    /// The file `path` (as the scenario wrote it) names, or why it may not be touched.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, String> {
        let written = Path::new(path);
        let joined = self.base.join(written);
        if self.anywhere {
            return Ok(joined);
        }
        // First by the text alone: nothing absolute, no step above the folder.
        let mut depth = 0usize;
        for part in written.components() {
            match part {
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                Component::ParentDir if depth > 0 => depth -= 1,
                Component::ParentDir => return Err(format!("{path}: outside the scenario's folder; {HOW_TO_ALLOW}")),
                Component::RootDir | Component::Prefix(_) => return Err(format!("{path}: an absolute path; {HOW_TO_ALLOW}")),
            }
        }
        // Then on the disk: a link inside the folder may still point out of it.
        let base = self.base.canonicalize().map_err(|e| format!("cannot open the scenario's folder: {e}"))?;
        let Some(existing) = joined.ancestors().find(|p| p.exists()) else {
            return Ok(joined);
        };
        let real = existing.canonicalize().map_err(|e| format!("{path}: {e}"))?;
        if !real.starts_with(&base) {
            return Err(format!("{path}: leads outside the scenario's folder (through a link); {HOW_TO_ALLOW}"));
        }
        Ok(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> (PathBuf, FileRoot) {
        let dir = std::env::temp_dir().join(format!("replscope-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let root = FileRoot::for_scenario(&dir.join("a.scn"), false);
        (dir, root)
    }

    #[test]
    fn paths_resolve_against_the_scenario_folder() {
        let (dir, root) = root();
        assert_eq!(root.resolve("dump.rdb").unwrap(), dir.join("dump.rdb"));
        assert_eq!(root.resolve("sub/../x.rdb").unwrap(), dir.join("sub/../x.rdb"));
    }

    #[test]
    fn absolute_and_parent_paths_are_refused() {
        let (_, root) = root();
        assert!(root.resolve("/etc/passwd").unwrap_err().contains("absolute path"));
        assert!(root.resolve("../x.rdb").unwrap_err().contains("outside the scenario's folder"));
        assert!(root.resolve("sub/../../x.rdb").unwrap_err().contains("--files-anywhere"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_folder_is_refused() {
        let (dir, root) = root();
        let link = dir.join("out");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(std::env::temp_dir(), &link).unwrap();
        assert!(root.resolve("out/x.rdb").unwrap_err().contains("through a link"));
    }

    #[test]
    fn anywhere_allows_everything() {
        let root = FileRoot::for_scenario(Path::new("a.scn"), true);
        assert_eq!(root.resolve("/tmp/x.rdb").unwrap(), PathBuf::from("/tmp/x.rdb"));
    }
}
