# Shortcuts for developers; the scripts are what the README and CI use.
.PHONY: site test fast lint golden images
site:
	bash scripts/build-site.sh
test:
	bash scripts/test.sh
# The fast tier: in-process tests, under a minute (README, "Tests in tiers").
fast:
	.venv/bin/python -m pytest -m "not slow and not e2e" -q
lint:
	.venv/bin/ruff check generator tests && .venv/bin/ruff format --check generator tests
# Regenerate the golden site after an intended output change, then read the diff.
golden:
	UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_render.py::test_golden_site
	git diff --stat tests/golden
# Remake the pictures in docs/images/ after a page changed, then look at them.
images:
	bash scripts/docs-images.sh
	git status --short docs/images
