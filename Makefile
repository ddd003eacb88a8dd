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
ON_RECORD := $(sort $(notdir $(patsubst %/,%,$(wildcard $(RAW_DIR)/returns/[0-9][0-9][0-9][0-9]H[12]/))))
# $(call upto,P): the half-years on record up to and including P.
upto = $(foreach q,$(ON_RECORD),$(if $(filter $(q),$(firstword $(sort $(q) $(1)))),$(q)))

# Make cannot handle spaces in file names it tracks.
$(foreach v,RAW_DIR PROCESSED_DIR REPORTS_DIR,$(if $(filter-out 1,$(words $($(v)))),\
  $(error $(v) không được chứa dấu cách: '$($(v))'. Hãy đổi tên thư mục hoặc dùng một đường dẫn không có dấu cách)))

ifneq ($(filter report validate templates,$(MAKECMDGOALS)),)
  ifeq ($(shell [[ '$(PERIOD)' =~ ^[0-9]{4}H[12]$$ ]] && echo ok),)
    $(error PERIOD phải có dạng YYYYH1 hoặc YYYYH2, ví dụ: make report PERIOD=2017H1 (đã nhận: '$(PERIOD)'))
  endif
endif
ifneq ($(filter report validate,$(MAKECMDGOALS)),)
  ifeq ($(filter $(PERIOD),$(ON_RECORD)),)
    $(error Chưa có báo cáo của kỳ $(PERIOD): không thấy thư mục $(RAW_DIR)/returns/$(PERIOD))
  endif
endif

.PHONY: help report reports validate templates browser test lab clean venv lock lint format FORCE

help:
	@echo 'Bản tin công tác phát triển đảng viên: các lệnh'
	@echo '  make report PERIOD=2017H1   làm sạch → tính chỉ tiêu → bản tin (HTML, PDF) của kỳ'
	@echo '  make reports                bản tin của mọi kỳ có báo cáo (dùng được với make -j)'
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
$(REPORTS_DIR)/$(1)/indicators.csv: $(foreach q,$(call upto,$(1)),$(PROCESSED_DIR)/$(q)/figures.csv) \
		notebooks/02_indicators.ipynb $(STAGE_CODE) $(REPORTS_DIR)/$(1)/.draft $(VENV_READY)
	@$$(STAGE) indicators --period '$(1)'
	@touch '$$@'

$(REPORTS_DIR)/$(1)/bulletin.html $(REPORTS_DIR)/$(1)/bulletin.pdf $(REPORTS_DIR)/$(1)/manifest.json &: \
		$(REPORTS_DIR)/$(1)/indicators.csv $(foreach q,$(call upto,$(1)),$(PROCESSED_DIR)/$(q)/figures.csv) \
		notebooks/03_bulletin.ipynb $(CODE) $(REPORTS_DIR)/$(1)/.draft $(VENV_READY)
	@$$(STAGE) bulletin --period '$(1)'
	@touch $(foreach f,bulletin.html bulletin.pdf manifest.json,'$(REPORTS_DIR)/$(1)/$(f)')
	@echo 'Bản tin kỳ $(1): $(REPORTS_DIR)/$(1)/bulletin.html, $(REPORTS_DIR)/$(1)/bulletin.pdf'
endef
$(foreach p,$(ON_RECORD),$(eval $(call report_rules,$(p))))

report: $(REPORTS_DIR)/$(PERIOD)/manifest.json

reports: $(foreach p,$(ON_RECORD),$(REPORTS_DIR)/$(p)/manifest.json)

validate: $(VENV_READY) $(foreach q,$(call previous,$(PERIOD)),$(PROCESSED_DIR)/$(q)/figures.csv)
	@$(STAGE) validate --period '$(PERIOD)'

# Blank workbooks to send to the units expected in PERIOD (which needs no returns yet).
templates: $(VENV_READY)
	@$(STAGE) templates --period '$(PERIOD)'

# The browser test drives Debian's Chromium (Playwright's own browser download cannot be used offline).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The notebooks run by nbval use their defaults (2017H1 on the sample data), which read these outputs.
test: $(VENV_READY) browser
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MAKE) --no-print-directory report PERIOD=2017H1 RAW_DIR=data/raw PROCESSED_DIR=data/processed REPORTS_DIR=reports DRAFT=0
	$(PY) -m pytest -n 2 --dist loadgroup tests notebooks --nbval-lax

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
	rm -rf $(wildcard $(PROCESSED_DIR)/[0-9][0-9][0-9][0-9]H[12] $(REPORTS_DIR)/[0-9][0-9][0-9][0-9]H[12])

FORCE:

# Kept between runs: they are how make knows what changed.
.PRECIOUS: $(PROCESSED_DIR)/%/.inputs.sha256 $(REPORTS_DIR)/%/.draft
