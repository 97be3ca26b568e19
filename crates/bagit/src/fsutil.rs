//! Write-once output directories: syncing, and clearing what a killed
//! writer left behind. Used by the bag writer and by anyone who writes
//! directories the same way (the archive does).

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use walkdir::WalkDir;

use crate::{Error, Result};

/// fsyncs a directory, so a rename into it survives a power cut.
pub fn sync_dir(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(Error::io("sync the directory", path))
}

/// Removes the directories `<prefix><pid>` in `parent` whose process is gone
/// (a killed writer left them beside its output), so a crash leaves no
/// litter once the command has run again.
pub fn remove_dead_temporaries(parent: &Path, prefix: &str) -> Result<()> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(prefix) else {
            continue;
        };
        if pid.is_empty()
            || !pid.bytes().all(|b| b.is_ascii_digit())
            || Path::new("/proc").join(pid).exists()
        {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            make_writable(&path);
            fs::remove_dir_all(&path)
                .map_err(Error::io("remove what a killed run left at", &path))?;
        }
    }
    Ok(())
}

/// Best effort: makes a tree writable again so it can be removed.
pub fn make_writable(path: &Path) {
    for entry in WalkDir::new(path).into_iter().flatten() {
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        if !entry.file_type().is_symlink() {
            let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode));
        }
    }
}
