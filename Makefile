# Half-yearly party-membership development bulletins. `make help` lists the commands.
#
# Stages, chained by their files (all three run by one process per report; see pipeline/execution/stages.py):
#   raw returns of a half-year ──01_clean──▶ $(PROCESSED_DIR)/<P>/figures.csv (+ problems, sources)
#   figures of every half-year up to P ──02_indicators──▶ $(REPORTS_DIR)/<P>/indicators.csv
#   indicators + figures ──03_bulletin──▶ bulletin.html, bulletin.pdf, manifest.json
# Make reruns a report when its inputs' fingerprints, its notebooks or the code are newer; inside, a stage
# runs only when the content of its code or inputs differs from its last run.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# Grouped targets (`a b &: …`) came with GNU make 4.3 (Debian 11, Ubuntu 22.04 and later).
ifeq ($(filter grouped-target,$(.FEATURES)),)
  $(error Cần GNU make 4.3 trở lên; máy này có make $(MAKE_VERSION). Cài bản mới hơn (Debian/Ubuntu: apt install make))
endif

# An office keeps its own data folders in local.mk (not committed), e.g. `RAW_DIR = /srv/bantin/raw`.
-include local.mk

PERIOD ?=
RAW_DIR ?= data/raw
PROCESSED_DIR ?= data/processed
REPORTS_DIR ?= reports
DRAFT ?= 0
# in-process (default): the notebooks run in the report's own process; kernel: in a real Jupyter kernel.
ENGINE ?= in-process

# The Python that builds the environment: PYTHON (a command or a path) when given; else python3 when it is
# 3.11, 3.12 or 3.13; else the newest python3.13, python3.12 or python3.11 that runs (a pyenv shim of a
# version not selected does not). Looked for only when needed: once .venv exists, it is used.
supported = $(shell '$(1)' -I -S -c 'import sys; print(int((3, 11) <= sys.version_info[:2] <= (3, 13)))' 2>/dev/null)
first_supported = $(if $(1),$(if $(filter 1,$(call supported,$(firstword $(1)))),$(firstword $(1)),$(call first_supported,$(wordlist 2,9,$(1)))))
ifdef PYTHON
  BASE_PYTHON = $(if $(filter 1,$(call supported,$(PYTHON))),$(PYTHON),$(error PYTHON=$(PYTHON): không chạy được, hoặc không phải Python 3.11, 3.12 hay 3.13))
else
  BASE_PYTHON = $(or $(call first_supported,python3 python3.13 python3.12 python3.11),$(error Không tìm thấy Python 3.11, 3.12 hay 3.13 (đã thử python3, python3.13, python3.12, python3.11). Cài một bản (Debian/Ubuntu: apt install python3 python3-venv) hoặc chỉ rõ: make … PYTHON=/đường/dẫn/python3))
endif

# The environment: an active conda or virtual environment that already holds every pin of requirements.lock
# is used as it is; otherwise .venv, built from the lock file.
VENV := .venv
ACTIVE_ENV := $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))
ifneq ($(ACTIVE_ENV),)
  ifneq ($(abspath $(ACTIVE_ENV)),$(abspath $(VENV)))
    # By path: the environment need not have the product installed (pins.py is standard library only).
    ifeq ($(shell '$(ACTIVE_ENV)/bin/python' -I '$(CURDIR)/pipeline/common/pins.py' requirements.lock >/dev/null 2>&1 && echo ok),ok)
      USE_ACTIVE_ENV := 1
    else
      $(info Môi trường đang kích hoạt $(ACTIVE_ENV) chưa có đủ các gói đúng phiên bản trong requirements.lock: dùng $(VENV) của dự án.)
    endif
  endif
endif
ifdef USE_ACTIVE_ENV
  PY := $(ACTIVE_ENV)/bin/python
  VENV_READY :=
else
  PY := $(VENV)/bin/python
  VENV_READY := $(VENV)/.ready
endif
# Notebooks in git: sources only (nbstripout), changes shown cell by cell (nbdime); .gitattributes asks for
# both, and every make command run at the top of a git checkout defines them in its config, with this
# environment's programs (cheap: written only when they differ). See tools/git_notebooks.sh.
GIT_NOTEBOOKS_ERROR := $(if $(wildcard tools/git_notebooks.sh),$(shell bash tools/git_notebooks.sh '$(abspath $(PY))' 2>&1))
ifneq ($(GIT_NOTEBOOKS_ERROR),)
  $(warning Không ghi được cấu hình git cho notebook (nbstripout, nbdime): $(GIT_NOTEBOOKS_ERROR))
endif
# The helpers make calls before the environment exists use the standard library only.
SYSTEM_PY = PYTHONPATH='$(CURDIR)' '$(if $(shell [ -x '$(PY)' ] && echo y),$(PY),$(BASE_PYTHON))'
# PYTHONPATH: the package is importable in a kernel (ENGINE=kernel) even in an environment that does not
# have it installed.
STAGE = PYTHONPATH='$(CURDIR)' '$(PY)' -m pipeline --raw-dir '$(RAW_DIR)' --processed-dir '$(PROCESSED_DIR)' \
	--reports-dir '$(REPORTS_DIR)' --draft '$(DRAFT)' --engine '$(ENGINE)'

# Make cannot handle spaces in the names of files it tracks, which live in these two folders.
$(foreach v,PROCESSED_DIR REPORTS_DIR,$(if $(filter-out 1,$(words $($(v)))),\
  $(error $(v) không được chứa dấu cách: '$($(v))'. Hãy đổi tên thư mục hoặc dùng một đường dẫn không có dấu cách)))

ifeq ($(filter $(ENGINE),in-process kernel),)
  $(error ENGINE phải là in-process (mặc định) hoặc kernel (đã nhận: '$(ENGINE)'))
endif

# Publishing (SPEC 9): NUMBER, DATE, REASON, FROM and VERSION are taken from the command line only (a VERSION
# or DATE in the environment is not the analyst's), and literally: `$` in a REASON is text, not make's.
$(foreach v,NUMBER DATE REASON FROM VERSION,$(if $(filter command line,$(origin $(v))),,$(eval $(v) :=)))
quoted = '$(subst ','\'',$(value $(1)))'

# What a report depends on, Python states: this file holds no copy of it. One process (the one make starts
# on a run; pipeline/execution/make_facts.py, standard library only, so it runs before the environment exists)
# checks RAW_DIR and PERIOD as the goals ask, with Python's calendar and its Vietnamese messages; writes the
# files make watches, each only when its content changes (a half-year's inputs with their SHA-256, the list
# of half-years on record, the code version); and writes what make needs to know as a makefile, included
# here: the half-years on record (ON_RECORD) and the editions they make (EDITIONS), per edition the half-years
# its report reads (READS_<E>) and its last one (LAST_HALF_<E>), the outputs (EDITION_OUTPUTS), the code files
# (CODE; make reruns a report when any of them is newer, whatever kind it is, and the stages' content keys
# decide what runs: pipeline/execution/stages.py), the notebooks, and the state files' names (inputs_file,
# ON_RECORD_FILE, CODE_VERSION_FILE, options_file, commentary_digest_file…; pipeline/common/layout.py).
# Written before make reads it, it never makes make start over. Goals that make no report do without it.

# Ctrl-C (SIGINT to make and every process it runs): the stage stops, says so and leaves make to stop silently
# (pipeline/execution/interrupts.py). The short helpers (the facts below, make's own stamps) ignore it and
# finish (a fraction of a second): make, interrupted, waits for them, then stops without a word, and they
# leave no half-written file. The
# report's stage starts with Ctrl-C ignored too (exec'd: make is its parent), until its handler is in place:
# a Ctrl-C meanwhile is found there, make being on its way out (pipeline/execution/interrupts.py).
UNINTERRUPTED := trap '' INT;

NO_FACTS_GOALS := help venv lock lint format test-tools check-notebooks clean
ifneq ($(filter-out $(NO_FACTS_GOALS),$(or $(MAKECMDGOALS),help)),)
  # What each goal asks: a raw folder; PERIOD an edition (2017H1 or 2017) or a half-year; its returns folder.
  EDITION_GOAL := $(firstword $(filter report verify commentary publish diff preview,$(MAKECMDGOALS)) \
    $(if $(PERIOD),$(filter lab,$(MAKECMDGOALS))))
  HALF_YEAR_GOAL := $(firstword $(filter validate templates,$(MAKECMDGOALS)))
  CHECKS := $(if $(filter report reports verify validate templates publish diff preview,$(MAKECMDGOALS)),raw) \
    $(if $(EDITION_GOAL),edition:$(EDITION_GOAL)) $(if $(HALF_YEAR_GOAL),half-year:$(HALF_YEAR_GOAL)) \
    $(if $(filter validate,$(MAKECMDGOALS)),on-record)
  FACTS = $(SYSTEM_PY) -m pipeline.execution.make_facts facts '$(RAW_DIR)' '$(PROCESSED_DIR)' '$(REPORTS_DIR)'
  FACTS_MK := $(shell $(UNINTERRUPTED) $(FACTS) $(call quoted,PERIOD) $(CHECKS))
  ifneq ($(.SHELLSTATUS),0)
    $(error $(or $(FACTS_MK),Lỗi chương trình (python -m pipeline.execution.make_facts): xem thông báo ở trên))
  endif
  include $(FACTS_MK)
endif

.PHONY: help report preview reports verify validate templates commentary publish diff docs test-tools test check-notebooks bench lab clean venv lock lint format FORCE

# `make help`: the `## ` comment above each command (`## command | what it does`) and the `##= ` lines of the
# variables, in the order they stand in this file.
help:
	@echo 'Bản tin công tác phát triển đảng viên: các lệnh'
	@LC_ALL=C awk -F ' [|] ' '/^## /{sub(/^## /, ""); shown = length($$1) - gsub(/[\200-\277]/, "&", $$1); \
		printf "  make %s%*s %s\n", $$1, (shown < 36 ? 36 - shown : 0), "", $$2}' $(firstword $(MAKEFILE_LIST))
	@echo 'Biến:'
	@sed -n 's/^##= /  /p' $(firstword $(MAKEFILE_LIST))

##= PERIOD: kỳ 6 tháng (2017H1, 2017H2) hoặc năm (2017) của bản tin
##= RAW_DIR (mặc định data/raw), PROCESSED_DIR (data/processed), REPORTS_DIR (reports): các thư mục dữ liệu
##= DRAFT=1: lập bản nháp dù thiếu hoặc lỗi báo cáo
##= ENGINE=kernel: chạy notebook trong Jupyter kernel thay cho tiến trình của make
##= LAB_ARGS: tùy chọn thêm cho JupyterLab của make lab, ví dụ LAB_ARGS="--no-browser --port 8890"
##= PORT (mặc định 8800), HOST (mặc định 127.0.0.1): địa chỉ trang xem trước của make preview

# .venv: from the lock file of exact pins, rebuilt when the lock changes. Its modules are compiled at
# install, and the package's own (linked, not copied, by the editable install) just after: where
# PYTHONDONTWRITEBYTECODE is set, every process would otherwise compile every module it imports.
ifndef USE_ACTIVE_ENV
$(VENV_READY): requirements.lock pyproject.toml
	rm -rf '$(VENV)'
	'$(BASE_PYTHON)' -m venv '$(VENV)'
	'$(PY)' -m pip install --quiet --disable-pip-version-check -r requirements.lock
	'$(PY)' -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	'$(PY)' -m compileall -q pipeline
	touch '$@'
endif

venv: $(VENV_READY)

# Re-resolve the direct dependencies of pyproject.toml to exact pins (needs the package index).
lock:
	rm -rf .venv-lock
	'$(BASE_PYTHON)' -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -U setuptools .
	.venv-lock/bin/pip freeze --all --exclude-editable | grep -vE '^(pip|dangvien-bulletin)==' | sort -f > requirements.lock
	rm -rf .venv-lock
	'$(BASE_PYTHON)' tools/write_environment_yml.py


ifdef FACTS_MK
# The files make watches, written while make read this file; written again here only if one is gone since
# (`make clean report`).
$(ON_RECORD_FILE) $(CODE_VERSION_FILE) $(foreach q,$(ON_RECORD),$(call inputs_file,$(q))) &:
	@$(UNINTERRUPTED) $(FACTS) '' >/dev/null

# A half-year cleaned (with those before it, whose figures its start-of-period checks read). A report does
# this itself; the rule is for a half-year's data alone. The target is touched: it may be up to date by
# content and left as it was.
define clean_rule
$(call figures_file,$(1)): $(foreach q,$(READS_$(1)),$(call inputs_file,$(q))) $(ON_RECORD_FILE) \
		$(CLEAN_NOTEBOOK) $(CODE) $(VENV_READY)
	@$$(STAGE) clean --period '$(1)'
	@touch '$$@'
endef
$(foreach p,$(ON_RECORD),$(eval $(call clean_rule,$(p))))

# Whether the last report was a draft, and which engine ran it: rendering again when either changes.
REPORT_OPTIONS := DRAFT=$(DRAFT) ENGINE=$(ENGINE)
$(call options_file,%): FORCE
	@$(UNINTERRUPTED) mkdir -p '$(@D)'; [[ "$$(cat '$@' 2>/dev/null)" == '$(REPORT_OPTIONS)' ]] || echo '$(REPORT_OPTIONS)' > '$@'

# The edition's commentary, by content: a changed commentary reruns the documents only (the stages decide
# that from its SHA-256 too).
$(call commentary_digest_file,%): FORCE
	@$(UNINTERRUPTED) mkdir -p '$(@D)'; digest=$$({ sha256sum < '$(call commentary_of,$*)'; } 2>/dev/null || echo none); \
		[[ "$$(cat '$@' 2>/dev/null)" == "$$digest" ]] || echo "$$digest" > '$@'

# A report: one process runs the stages that are out of date (cleaning, indicators, bulletin), so the
# libraries are loaded once. Reports of different periods run in parallel under make -j.
report_outputs = $(foreach f,$(EDITION_OUTPUTS),$(REPORTS_DIR)/$(1)/$(f))
define report_rule
$(call report_outputs,$(1)) &: $(foreach q,$(READS_$(1)),$(call inputs_file,$(q))) \
		$(ON_RECORD_FILE) $(NOTEBOOKS) $(CODE) $(call options_file,$(1)) \
		$(call commentary_digest_file,$(1)) $(CODE_VERSION_FILE) $(VENV_READY)
	@$$(UNINTERRUPTED) exec env $$(STAGE) report --edition '$(1)'
	@$$(UNINTERRUPTED) touch $(foreach f,$(call report_outputs,$(1)),'$(f)')
	@$$(UNINTERRUPTED) echo 'Kỳ $(1): $(REPORTS_DIR)/$(1)/ (bản tin bulletin.html, bulletin.pdf; báo cáo report.docx, report.pdf; phụ lục tables.xlsx)'
# Not deleted when the report fails (.DELETE_ON_ERROR deletes every target of a grouped rule): the stages
# keep their outputs valid themselves (atomic writes, stamps), and a failed document stage must not take
# the edition's indicators with it. A changed input is newer than the outputs, so make runs it again.
.PRECIOUS: $(call report_outputs,$(1))
endef
$(foreach p,$(EDITIONS),$(eval $(call report_rule,$(p))))

$(INDEX_FILE): $(foreach p,$(EDITIONS),$(REPORTS_DIR)/$(p)/$(MANIFEST_FILE)) $(CODE) $(VENV_READY)
	@$(STAGE) index
	@touch '$@'

# Kept between runs: they are how make knows what changed.
.PRECIOUS: $(call options_file,%) $(call commentary_digest_file,%) $(ON_RECORD_FILE) $(CODE_VERSION_FILE) \
	$(foreach q,$(ON_RECORD),$(call inputs_file,$(q)))
endif

## report PERIOD=2017H1 | làm sạch → tính chỉ tiêu → bản tin, báo cáo, phụ lục của kỳ; PERIOD=2016: bản tin năm
report: $(REPORTS_DIR)/$(PERIOD)/$(MANIFEST_FILE)

# The live preview (pipeline/preview/): builds the edition as `make report` does (the same stages and stamps, in a
# process that stays loaded), serves a page on HOST:PORT that shows the bulletin, and rebuilds and reloads it
# when a return, the commentary, a province file, a notebook or the code is saved. PORT and HOST come from the
# command line or local.mk only (a shell's or a container's own PORT or HOST is not the analyst's choice).
PREVIEW_PORT := $(if $(filter command line file override,$(origin PORT)),$(PORT),8800)
PREVIEW_HOST := $(if $(filter command line file override,$(origin HOST)),$(HOST),127.0.0.1)
## preview PERIOD=2017H1 [PORT=8800] | xem trước: lập bản tin, mở trang tự cập nhật khi lưu lời bình, báo cáo, notebook
preview: $(VENV_READY)
	@$(STAGE) preview --edition '$(PERIOD)' --host '$(PREVIEW_HOST)' --port '$(PREVIEW_PORT)'

## reports | bản tin của mọi kỳ có báo cáo (dùng được với make -j)
reports: $(INDEX_FILE)

## validate PERIOD=2017H1 | chỉ kiểm tra báo cáo của kỳ; in mọi lỗi; ghi trang kiểm tra validation.html
validate: $(VENV_READY)
	@$(STAGE) validate --period '$(PERIOD)'

# Blank workbooks to send to the units expected in PERIOD (which needs no returns yet).
## templates PERIOD=2017H1 | mẫu báo cáo trống (.xlsx) cho mọi đơn vị phải báo cáo trong kỳ
templates: $(VENV_READY)
	@$(STAGE) templates --period '$(PERIOD)'

# What some tests need from Debian: Chromium for the browser test (Playwright's own browser download
# cannot be used offline), faketime for the rebuild-on-another-day test, HarfBuzz's subsetter for the test
# that the PDF does not depend on it, LibreOffice (Writer, Calc) for opening the report and the annex, Node.js
# for axe-core.
TEST_PACKAGES := chromium faketime libharfbuzz-subset0 poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui nodejs
AXE_INSTALLED := tools/axe/node_modules/.installed
test-tools: $(AXE_INSTALLED)
	@missing=$$(for package in $(TEST_PACKAGES); do dpkg-query -W -f '$${Status}' "$$package" 2>/dev/null | \
		grep -q 'install ok installed' || echo "$$package"; done); \
	[[ -z "$$missing" ]] || { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; }
# axe-core, pinned by tools/axe/package-lock.json, for the accessibility checks (tests/e2e/test_phone_and_axe.py):
# installed again when the lock file changes. npm comes with nodejs from NodeSource, separately on Debian.
$(AXE_INSTALLED): tools/axe/package.json tools/axe/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
	cd tools/axe && npm ci --no-audit --no-fund --loglevel=error
	@touch '$@'

# Publishing (SPEC 9): a version that never changes under REPORTS_DIR/published/<E>/v<N>/, built first if
# out of date. NUMBER, DATE (default today) and REASON are the publication's; they alone make no new version.
## publish PERIOD=… [NUMBER=12] [DATE=2017-07-15] [REASON="…"] | phát hành: lưu một phiên bản không bao giờ thay đổi trong REPORTS_DIR/published/
publish: report
	@$(STAGE) publish --edition '$(PERIOD)' --number $(call quoted,NUMBER) --date $(call quoted,DATE) \
		--reason $(call quoted,REASON)

# What changed since a published version (FROM, default the latest): a table, diff.csv and diff.html.
## diff PERIOD=… [FROM=v1] | so sánh bản hiện tại với phiên bản đã phát hành (diff.csv, diff.html)
diff: report
	@$(STAGE) diff --edition '$(PERIOD)' --from $(call quoted,FROM)

# Rebuild PERIOD's bulletin from scratch in a temporary folder and compare it with the one in REPORTS_DIR (built
# first if out of date); with VERSION=N, rebuild that published version from the inputs its manifest records.
# Both in Python (pipeline/publishing/verify.py): «Giống hệt: …» or «KHÁC: …» for each file, status 1 if any differs.
## verify PERIOD=… [VERSION=1] | dựng lại bản tin trong thư mục tạm và so sánh từng byte; VERSION=N: dựng lại phiên bản đã phát hành N
verify: $(if $(VERSION),$(VENV_READY),report)
	@$(STAGE) verify --edition '$(PERIOD)' --version $(call quoted,VERSION)

# The notebooks run by nbval use their defaults (2017H1 on the sample data), which read these outputs.
## test | chạy mọi kiểm thử (pytest, nbval)
test: $(VENV_READY) test-tools check-notebooks
	'$(PY)' -m ruff check .
	'$(PY)' -m ruff format --check .
	$(MAKE) --no-print-directory report PERIOD=2017H1 RAW_DIR=data/raw PROCESSED_DIR=data/processed REPORTS_DIR=reports DRAFT=0
	'$(PY)' -m pytest -n 2 tests
	'$(PY)' -m pytest --nbval-lax notebooks

# The notebooks in git (committed and staged) hold sources only: no outputs, execution counts or one machine's
# language details (what the nbstripout filter keeps out).
## check-notebooks | kiểm tra notebook trong git chỉ có mã nguồn (không có kết quả chạy)
check-notebooks:
	@$(SYSTEM_PY) tools/check_notebooks.py

# Measure the cases of bench/run.py (several minutes; not part of `make test`, which runs it once on tiny
# sizes) and write bench/RESULTS.md. Run it on an otherwise idle machine.
## bench | đo thời gian, bộ nhớ (vài phút); ghi bench/RESULTS.md
bench: $(VENV_READY)
	'$(PY)' bench/run.py

# JupyterLab on notebooks/, the parameters' defaults bound to PERIOD and the folders (local.mk included): what
# the analyst sees is the edition being prepared. Run `make report PERIOD=…` first: the notebooks read its
# stages' outputs. Its configuration is the project's own (jupyter/, never ~/.jupyter): the interface in
# Vietnamese (the vi-VN language pack, English one click away), no news or update prompts, root allowed
# (containers, WSL). The file browser opens on notebooks/, the checkout's other folders one click up.
# LAB_ARGS: JupyterLab's own options, e.g. LAB_ARGS="--no-browser --port 8890".
LAB_ARGS ?=
## lab PERIOD=… [LAB_ARGS=…] | mở JupyterLab (tiếng Việt) trên thư mục notebooks/, gắn với kỳ và thư mục dữ liệu
lab: $(VENV_READY)
	@$(if $(PERIOD),BANTIN_EDITION='$(PERIOD)' BANTIN_HALF_YEAR='$(LAST_HALF_$(PERIOD))') \
	BANTIN_RAW_DIR='$(abspath $(RAW_DIR))' BANTIN_PROCESSED_DIR='$(abspath $(PROCESSED_DIR))' \
	BANTIN_REPORTS_DIR='$(abspath $(REPORTS_DIR))' BANTIN_DRAFT='$(DRAFT)' PYTHONPATH='$(CURDIR)' \
	JUPYTER_CONFIG_DIR='$(CURDIR)/jupyter' \
		'$(PY)' -m jupyterlab --ServerApp.root_dir='$(CURDIR)' --FileContentsManager.preferred_dir='$(CURDIR)/notebooks' $(LAB_ARGS)

# A starting commentary for PERIOD's edition, in RAW_DIR/commentary/ (never over an existing one).
## commentary PERIOD=… | tạo tệp lời bình ban đầu commentary/<kỳ>.md trong RAW_DIR (không ghi đè)
commentary: $(VENV_READY)
	@$(STAGE) commentary --edition '$(PERIOD)'

# The analysts' guide (docs/huong-dan/, docs/build.py): the sample's 2017H1 built into docs/_build/ for its
# pictures (whatever RAW_DIR is), the site into docs/_site/ with a printable PDF, and a copy of it in
# REPORTS_DIR/huong-dan/, which REPORTS_DIR/index.html links (written again here when it exists).
DOCS_SAMPLE := RAW_DIR=data/raw PROCESSED_DIR=docs/_build/processed REPORTS_DIR=docs/_build/reports DRAFT=0 ENGINE=in-process
## docs | dựng hướng dẫn sử dụng (docs/_site/, bản in PDF) và chép vào REPORTS_DIR/huong-dan/
docs: $(VENV_READY)
	@for goal in 'report PERIOD=2017H1' 'validate PERIOD=2016H2'; do \
		said=$$($(MAKE) --no-print-directory $$goal $(DOCS_SAMPLE) 2>&1) || { echo "$$said" >&2; exit 1; }; done
	@PYTHONPATH='$(CURDIR)' '$(PY)' docs/build.py --sample docs/_build/reports --reports-dir '$(REPORTS_DIR)'
	@if [[ -f '$(INDEX_FILE)' && -d '$(RAW_DIR)' ]]; then $(STAGE) index >/dev/null; fi

lint: $(VENV_READY)
	'$(PY)' -m ruff check .
	'$(PY)' -m ruff format --check .

format: $(VENV_READY)
	'$(PY)' -m ruff check --fix .
	'$(PY)' -m ruff format .

# Only what the pipeline derived, as pipeline/execution/make_facts.py lists it: the half-years' and editions'
# folders in the output directories, the index, make's lists. $(RAW_DIR) is never touched.
## clean | xóa kết quả trong PROCESSED_DIR và REPORTS_DIR (không bao giờ xóa RAW_DIR hay các phiên bản đã phát hành)
clean:
	@$(SYSTEM_PY) -m pipeline.execution.make_facts clean '$(PROCESSED_DIR)' '$(REPORTS_DIR)'

FORCE:
