# One command each: `make lab` to learn, `make test` to check everything.
# The Python that builds .venv: the first of python3.11, 3.12, 3.13, python3 on the PATH
# (macOS's own python3 may be 3.9: then name another, e.g. make lab PYTHON=python3.12).
PYTHON ?= $(firstword $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p && break; done 2>/dev/null) python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup lab test lint notebooks bench student colab lock clean

# The pinned environment, rebuilt only when the pins or the package metadata change.
# CPU=1 takes PyTorch's CPU-only wheel first (Linux without an NVIDIA GPU: about 180 MB
# instead of about 3 GB of CUDA wheels); requirements.txt's torch==2.13.0 accepts it.
CPU_TORCH = https://download.pytorch.org/whl/cpu
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "The course needs Python 3.11 or newer; '$(PYTHON)' is" \
		"$$($(PYTHON) --version 2>&1 || echo 'not found')."; \
		echo "Install Python 3.11+ (python.org; on a Mac also 'brew install python@3.12'), then"; \
		echo "point make at it: make lab PYTHON=python3.12 (or the full path to that python)."; \
		exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(if $(CPU),$(BIN)/python -m pip install --quiet torch==2.13.0 --index-url $(CPU_TORCH))
	$(BIN)/python -m pip install --quiet --requirement requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

setup: $(STAMP)

# Jupyter refuses root unless told; containers and classroom VMs often run as root.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
# Learners work in their own copies in $(WORK) (see `make student` below); JupyterLab opens
# at the course's top folder, so the reference notebooks are one folder up.
WORK ?= work
JUPYTER_LAB ?= $(BIN)/jupyter lab

lab: setup
	$(BIN)/python -m course_utils.student --target $(WORK)
	$(JUPYTER_LAB) $(LAB_FLAGS) --ServerApp.root_dir=. $(WORK)/00_setup_check.ipynb

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

# Re-execute every notebook in place (Restart & Run All), storing fresh outputs, then fold
# the solutions (collapsed, a form on Colab, stored without outputs).
#   make notebooks            all of them;   make notebooks ONLY=08   one
# One thread, as in `make test` (conftest.py): a kernel's numerics depend on its number of
# threads, so the stored outputs are then what the tests recompute (another CPU type can
# still round differently).
notebooks: setup
	for nb in notebooks/$(or $(ONLY),[0-9])*.ipynb; do \
		OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False "$$nb" \
		&& $(BIN)/python -m course_utils.student --fold "$$nb" || exit 1; \
	done

bench: setup
	$(BIN)/python benchmarks/run_all.py --tests

# Learner copies in work/ (ignored by git): every exercise's solution becomes a stub.
#   make student                  writes them, keeping every copy you have edited (make lab too)
#   make student FORCE=1          resets all copies;  make student FORCE=1 ONLY=03  resets one
# Only the standard library is needed, so it runs before the install too.
TOOL_PYTHON = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
student:
	$(TOOL_PYTHON) -m course_utils.student --target $(WORK) $(if $(FORCE),--force) $(if $(ONLY),--only $(ONLY))

# Point every Colab badge and install cell at the published repository:
#   make colab REPO=owner/name
COLAB_NOW = $(shell grep -o 'colab.research.google.com/github/[^/]*/[^/]*' README.md | head -n 1 | cut -d / -f 3-4)
colab:
	@echo "$(REPO)" | grep -Eq '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$$' \
		|| { echo "usage: make colab REPO=owner/name (the course's repository on GitHub)"; exit 2; }
	sed -i 's#$(COLAB_NOW)#$(REPO)#g' README.md notebooks/[0-9]*.ipynb

# Re-pin requirements.txt from the ranges in pyproject.toml (needs the network).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	# soupsieve 3 and later need Python 3.11.5; Debian 12's python3 is 3.11.2.
	.lock-venv/bin/pip install --quiet torch==2.13.0 ".[course,test]" "soupsieve<3"
	{ head -n 2 requirements.txt; .lock-venv/bin/pip freeze --all --exclude-editable \
		| grep -v -e '^pip==' -e '^course-utils' | sed 's/+cpu$$//'; } > requirements.new
	mv requirements.new requirements.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .coverage .ruff_cache
