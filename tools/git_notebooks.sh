#!/usr/bin/env bash
# The repository's git configuration for notebooks (issue 24), run by every make command (Makefile).
#   usage: tools/git_notebooks.sh PYTHON
# PYTHON is the environment's Python (the project's .venv or an active conda/virtual environment), which holds
# nbstripout and nbdime. What .gitattributes asks of notebooks (`filter=nbstripout diff=jupyternotebook
# merge=jupyternotebook`) is defined here, in the repository's own config (never the user's ~/.gitconfig):
#   - nbstripout, a clean filter: git stores a notebook's sources only (no outputs, no execution counts, no
#     language version), while the file on disk keeps its outputs. Required: a notebook is never added
#     unfiltered because the filter could not run.
#   - nbdime's diff and merge drivers, and its difftool/mergetool: `git diff` shows cells, not JSON.
# Cheap and idempotent: one `git config` read; written only when something differs. Nothing is done outside a
# git checkout whose top folder is this one (a copy from an archive, a folder inside another repository).
set -euo pipefail

python=$1
top=$(git rev-parse --show-toplevel 2>/dev/null) || exit 0
[[ "$top" -ef . ]] || exit 0
bin=$(dirname -- "$python")

# Kept in git: a language's name. Not kept: what changes with the machine (the Python version, lexers, …).
language_details="version mimetype file_extension codemirror_mode pygments_lexer nbconvert_exporter"
extra_keys=""
for key in $language_details; do extra_keys+="${extra_keys:+ }metadata.language_info.$key"; done

# One `key value` a line, sorted as git lists them; keys in lower case, as `git config --get-regexp` prints.
wanted=$(
	sort <<EOF
filter.nbstripout.clean '$python' -m nbstripout --keep-id
filter.nbstripout.smudge cat
filter.nbstripout.required true
filter.nbstripout.extrakeys $extra_keys
diff.jupyternotebook.command '$bin/git-nbdiffdriver' diff --use-filter
merge.jupyternotebook.driver '$bin/git-nbmergedriver' merge %O %A %B %L %P
merge.jupyternotebook.name jupyter notebook merge driver
difftool.nbdime.cmd '$bin/git-nbdifftool' diff "\$LOCAL" "\$REMOTE" "\$BASE"
mergetool.nbdime.cmd '$bin/git-nbmergetool' merge "\$BASE" "\$LOCAL" "\$REMOTE" "\$MERGED"
EOF
)
pattern='^(filter\.nbstripout|diff\.jupyternotebook|merge\.jupyternotebook|difftool\.nbdime|mergetool\.nbdime)\.'
current=$(git config --local --get-regexp "$pattern" | sort || true)
[[ "$current" == "$wanted" ]] && exit 0

git config --local --remove-section filter.nbstripout 2>/dev/null || true
for section in diff.jupyternotebook merge.jupyternotebook difftool.nbdime mergetool.nbdime; do
	git config --local --remove-section "$section" 2>/dev/null || true
done
while read -r key value; do
	git config --local "$key" "$value"
done <<<"$wanted"
