# Half-yearly party-membership development bulletins. `make help` lists the commands.
#
# Stages, chained by their files:
#   raw returns of a half-year ──01_clean──▶ $(PROCESSED_DIR)/<P>/figures.csv (+ problems, sources)
#   figures of every half-year up to P ──02_indicators──▶ $(REPORTS_DIR)/<P>/indicators.csv
#   indicators + figures ──03_bulletin──▶ bulletin.html, bulletin.pdf, manifest.json
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# An office keeps its own data folders in local.mk (not committed), e.g. `RAW_DIR = /srv/bantin/raw`.
-include local.mk

PERIOD ?=
RAW_DIR ?= data/raw
PROCESSED_DIR ?= data/processed
REPORTS_DIR ?= reports
DRAFT ?= 0
PYTHON ?= python3

VENV := .venv
PY := $(VENV)/bin/python
VENV_READY := $(VENV)/.ready
# The helpers make calls before the venv exists use the standard library only.
SYSTEM_PY := PYTHONPATH='$(CURDIR)' $(PYTHON)
STAGE = $(PY) -m pipeline --raw-dir '$(RAW_DIR)' --processed-dir '$(PROCESSED_DIR)' \
	--reports-dir '$(REPORTS_DIR)' --draft '$(DRAFT)'

# What each stage's outputs depend on besides data: the bulletin on all the code, the stages before it
# on all but the presentation (so that restyling a chart does not clean every half-year again).
CODE := $(filter-out pipeline/sample.py,$(wildcard pipeline/*.py pipeline/templates/*.* pipeline/templates/nbconvert/bulletin/*))
PRESENTATION := $(addprefix pipeline/,bulletin.py charts.py narrative.py render.py publish.py manifest.py validation.py) \
	$(wildcard pipeline/templates/*.* pipeline/templates/nbconvert/bulletin/*)
STAGE_CODE := $(filter-out $(PRESENTATION),$(CODE))
# Half-years on record: those with a returns folder. Names sort in time order.
# (Listed by the shell, not make's wildcard: RAW_DIR may hold spaces, as in `dữ liệu thô`.)
ON_RECORD := $(sort $(shell cd '$(RAW_DIR)/returns' 2>/dev/null && for d in [0-9][0-9][0-9][0-9]H[12]; do \
	[ -d "$$d" ] && echo "$$d"; done))
# $(call upto,P): the half-years on record up to and including P.
upto = $(foreach q,$(ON_RECORD),$(if $(filter $(q),$(firstword $(sort $(q) $(1)))),$(q)))
# Annual editions (`2016`): the years with both half-years on record. A bulletin's last half-year:
# $(call last_half,2016) is 2016H2, $(call last_half,2017H1) is 2017H1.
ANNUAL := $(foreach p,$(filter %H1,$(ON_RECORD)),$(if $(filter $(p:H1=H2),$(ON_RECORD)),$(p:H1=)))
EDITIONS := $(ON_RECORD) $(ANNUAL)
last_half = $(if $(findstring H,$(1)),$(1),$(1)H2)

# Make cannot handle spaces in the names of files it tracks, which live in these two folders.
$(foreach v,PROCESSED_DIR REPORTS_DIR,$(if $(filter-out 1,$(words $($(v)))),\
  $(error $(v) không được chứa dấu cách: '$($(v))'. Hãy đổi tên thư mục hoặc dùng một đường dẫn không có dấu cách)))

ifneq ($(filter report reports verify validate templates,$(MAKECMDGOALS)),)
  ifeq ($(shell [ -d '$(RAW_DIR)' ] && echo ok),)
    $(error Không thấy thư mục dữ liệu RAW_DIR='$(RAW_DIR)' (cần province.toml, units.csv, targets.csv và returns/))
  endif
endif
ifneq ($(filter report verify,$(MAKECMDGOALS)),)
  ifeq ($(shell [[ '$(PERIOD)' =~ ^[0-9]{4}(H[12])?$$ ]] && echo ok),)
    $(error PERIOD phải có dạng YYYYH1 hoặc YYYYH2 (bản tin 6 tháng) hoặc YYYY (bản tin năm), ví dụ: make report PERIOD=2017H1 (đã nhận: '$(PERIOD)'))
  endif
  ifeq ($(filter $(PERIOD),$(EDITIONS)),)
    $(error Chưa có báo cáo của kỳ $(PERIOD): không thấy thư mục $(RAW_DIR)/returns/$(call last_half,$(PERIOD))$(if $(findstring H,$(PERIOD)),, (bản tin năm cần báo cáo của cả hai kỳ 6 tháng)))
  endif
endif
ifneq ($(filter validate templates,$(MAKECMDGOALS)),)
  ifeq ($(shell [[ '$(PERIOD)' =~ ^[0-9]{4}H[12]$$ ]] && echo ok),)
    $(error PERIOD phải có dạng YYYYH1 hoặc YYYYH2, ví dụ: make validate PERIOD=2017H1 (đã nhận: '$(PERIOD)'))
  endif
endif
ifneq ($(filter validate,$(MAKECMDGOALS)),)
  ifeq ($(filter $(PERIOD),$(ON_RECORD)),)
    $(error Chưa có báo cáo của kỳ $(PERIOD): không thấy thư mục $(RAW_DIR)/returns/$(PERIOD))
  endif
endif

.PHONY: help report reports verify validate templates test-tools test lab clean venv lock lint format FORCE

help:
	@echo 'Bản tin công tác phát triển đảng viên: các lệnh'
	@echo '  make report PERIOD=2017H1   làm sạch → tính chỉ tiêu → bản tin (HTML, PDF) của kỳ; PERIOD=2016: bản tin năm'
	@echo '  make reports                bản tin của mọi kỳ có báo cáo (dùng được với make -j)'
	@echo '  make verify PERIOD=…        dựng lại bản tin trong thư mục tạm và so sánh từng byte'
	@echo '  make validate PERIOD=…      chỉ kiểm tra báo cáo của kỳ; in mọi lỗi; ghi báo cáo kiểm tra'
	@echo '  make templates PERIOD=…     mẫu báo cáo trống (.xlsx) cho mọi đơn vị phải báo cáo trong kỳ'
	@echo '  make test                   chạy mọi kiểm thử (pytest, nbval)'
	@echo '  make lab                    mở JupyterLab trên thư mục notebooks/'
	@echo '  make clean                  xóa kết quả trong $(PROCESSED_DIR)/ và $(REPORTS_DIR)/ (không bao giờ xóa $(RAW_DIR)/)'
	@echo 'Biến: PERIOD, RAW_DIR=$(RAW_DIR), PROCESSED_DIR=$(PROCESSED_DIR), REPORTS_DIR=$(REPORTS_DIR), DRAFT=1 (lập bản nháp dù thiếu hoặc lỗi báo cáo)'

# The environment: a venv from the lock file of exact pins, rebuilt when the lock changes.
$(VENV_READY): requirements.lock
	rm -rf '$(VENV)'
	$(PYTHON) -m venv '$(VENV)'
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch '$@'

venv: $(VENV_READY)

# Re-resolve the direct dependencies of pyproject.toml to exact pins (needs the package index).
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -U setuptools .
	.venv-lock/bin/pip freeze --all --exclude-editable | grep -vE '^(pip|dangvien-bulletin)==' | sort -f > requirements.lock
	rm -rf .venv-lock
	$(PYTHON) tools/write_environment_yml.py

# Rewritten only when a return or a reference file changes, so that make reruns exactly what depends on it.
$(PROCESSED_DIR)/%/.inputs.sha256: FORCE
	@$(SYSTEM_PY) -m pipeline.fingerprint '$(RAW_DIR)' '$*' '$@'

# Each stage's target is touched after it ran: the stage leaves a file whose content did not change as it
# is, and make must still see the stage as done.
$(PROCESSED_DIR)/%/figures.csv: $(PROCESSED_DIR)/%/.inputs.sha256 notebooks/01_clean.ipynb $(STAGE_CODE) $(VENV_READY)
	@$(STAGE) clean --period '$*'
	@touch '$@'

# The start-of-period checks of a half-year read the figures of the one before it.
previous = $(lastword $(filter-out $(1),$(call upto,$(1))))
$(foreach p,$(ON_RECORD),$(eval $(PROCESSED_DIR)/$(p)/figures.csv: \
	$(foreach q,$(call previous,$(p)),$(PROCESSED_DIR)/$(q)/figures.csv)))

# Whether the last report was a draft: rendering again when DRAFT changes.
$(REPORTS_DIR)/%/.draft: FORCE
	@mkdir -p '$(@D)'; [[ "$$(cat '$@' 2>/dev/null)" == '$(DRAFT)' ]] || echo '$(DRAFT)' > '$@'

define report_rules
$(REPORTS_DIR)/$(1)/indicators.csv: $(foreach q,$(call upto,$(call last_half,$(1))),$(PROCESSED_DIR)/$(q)/figures.csv) \
		notebooks/02_indicators.ipynb $(STAGE_CODE) $(REPORTS_DIR)/$(1)/.draft $(VENV_READY)
	@$$(STAGE) indicators --period '$(1)'
	@touch '$$@'

$(REPORTS_DIR)/$(1)/bulletin.html $(REPORTS_DIR)/$(1)/bulletin.pdf $(REPORTS_DIR)/$(1)/manifest.json &: \
		$(REPORTS_DIR)/$(1)/indicators.csv $(foreach q,$(call upto,$(call last_half,$(1))),$(PROCESSED_DIR)/$(q)/figures.csv) \
		notebooks/03_bulletin.ipynb $(CODE) $(REPORTS_DIR)/$(1)/.draft $(VENV_READY)
	@$$(STAGE) bulletin --period '$(1)'
	@touch $(foreach f,bulletin.html bulletin.pdf manifest.json,'$(REPORTS_DIR)/$(1)/$(f)')
	@echo 'Bản tin kỳ $(1): $(REPORTS_DIR)/$(1)/bulletin.html, $(REPORTS_DIR)/$(1)/bulletin.pdf'
endef
$(foreach p,$(EDITIONS),$(eval $(call report_rules,$(p))))

report: $(REPORTS_DIR)/$(PERIOD)/manifest.json

reports: $(foreach p,$(EDITIONS),$(REPORTS_DIR)/$(p)/manifest.json)
	@$(STAGE) index

validate: $(VENV_READY) $(foreach q,$(call previous,$(PERIOD)),$(PROCESSED_DIR)/$(q)/figures.csv)
	@$(STAGE) validate --period '$(PERIOD)'

# Blank workbooks to send to the units expected in PERIOD (which needs no returns yet).
templates: $(VENV_READY)
	@$(STAGE) templates --period '$(PERIOD)'

# What some tests need from Debian: Chromium for the browser test (Playwright's own browser download
# cannot be used offline), faketime for the rebuild-on-another-day test.
test-tools:
	@command -v chromium >/dev/null && command -v faketime >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq chromium faketime >/dev/null; }

# Rebuild PERIOD's bulletin from scratch in a temporary folder and compare it with the one in REPORTS_DIR.
verify: report
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	$(MAKE) --no-print-directory report PERIOD='$(PERIOD)' PROCESSED_DIR="$$scratch/processed" \
		REPORTS_DIR="$$scratch/reports" >/dev/null 2>&1 && \
	status=0 && for name in bulletin.html bulletin.pdf indicators.csv; do \
		if cmp -s '$(REPORTS_DIR)/$(PERIOD)/'$$name "$$scratch/reports/$(PERIOD)/$$name"; then \
			echo "Giống hệt: $$name ($$(sha256sum < "$$scratch/reports/$(PERIOD)/$$name" | cut -c1-16)…)"; \
		else echo "KHÁC: $$name"; status=1; fi; done; exit $$status

# The notebooks run by nbval use their defaults (2017H1 on the sample data), which read these outputs.
test: $(VENV_READY) test-tools
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MAKE) --no-print-directory report PERIOD=2017H1 RAW_DIR=data/raw PROCESSED_DIR=data/processed REPORTS_DIR=reports DRAFT=0
	$(PY) -m pytest -n 2 tests
	$(PY) -m pytest --nbval-lax notebooks

lab: $(VENV_READY)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

lint: $(VENV_READY)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV_READY)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Only what the pipeline derived: half-year folders in the output directories. $(RAW_DIR) is never touched.
clean:
	rm -rf $(wildcard $(PROCESSED_DIR)/[0-9][0-9][0-9][0-9]H[12] $(REPORTS_DIR)/[0-9][0-9][0-9][0-9]H[12] \
		$(REPORTS_DIR)/[0-9][0-9][0-9][0-9] $(REPORTS_DIR)/index.html)

FORCE:

# Kept between runs: they are how make knows what changed.
.PRECIOUS: $(PROCESSED_DIR)/%/.inputs.sha256 $(REPORTS_DIR)/%/.draft
