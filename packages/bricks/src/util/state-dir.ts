// bricks' own state folder in a project (`.bricks/` beside the stack file: the daemon's files,
// logs, artifacts, releases), and the git pathspec that leaves every such folder out of what
// git reports. The folder changes on every deploy and every log line, so counting it as part of
// the work tree would make each deploy see a "change" of its own making, whether or not the
// project's .gitignore names it.

export const STATE_DIR = '.bricks';

/** Pathspec magic: `.bricks/` at any depth (arcade keeps one in examples/arcade/). */
export const OMIT_STATE_DIRS = `:(exclude,glob)**/${STATE_DIR}/**`;
