"""The commands beyond the pipeline: each module is what one CLI command does (add, import, list,
diff, verify, serve, sheet, targets), built on load -> validate -> plan -> render -> write."""
