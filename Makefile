# lz — 廉政风险防控登记簿工具
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast check docs schemas bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## 安装并在示例登记簿上运行主流程:校验、检查、一览表与年度报告(Markdown 与 Word),一份 Word 告知书,年度考核
	$(BIN)/lz validate
	$(BIN)/lz lint
	$(BIN)/lz render xlsx
	$(BIN)/lz report
	$(BIN)/lz report --docx
	$(BIN)/lz brief p-zhang --docx
	$(BIN)/lz assess --xlsx out/考核评分表.xlsx

test: $(STAMP)  ## 运行测试
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## 快速测试:跳过构建 wheel、安装包、运行 pre-commit 等慢测试
	$(BIN)/python -m pytest -m "not slow"

check: $(STAMP)  ## 代码检查:ruff(风格)、mypy(类型)、import-linter(流水线分层)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

fuzz: $(STAMP)  ## 模糊测试:tests/test_fuzz.py 的性质运行 FUZZ_MINUTES 分钟(默认 10),失败的例子存入 tests/fuzz-examples/
	FUZZ_MINUTES=$${FUZZ_MINUTES:-10} $(BIN)/python tests/fuzz_run.py

docs: $(STAMP)  ## 由规则目录生成 docs/rules.md,由导出表的定义生成 docs/export.md 的表结构
	$(BIN)/lz rules --format markdown > docs/rules.md
	$(BIN)/python -c 'from pathlib import Path; from lianzheng_cli.analytics.tables import with_schema; \
	p = Path("docs/export.md"); p.write_text(with_schema(p.read_text(encoding="utf-8")), encoding="utf-8")'

schemas: $(STAMP)  ## 由 validate/schema_build.py 生成内置词表的 schemas/*.json
	$(BIN)/python -c 'from lianzheng_cli.validate.schema_build import schema_files; from pathlib import Path; \
	[Path("schemas", n).write_text(t, encoding="utf-8") for n, t in schema_files().items()]'

bench: $(STAMP)  ## 县级规模基准测试:与同类工具对比,结果写入 benchmarks/results/latest.md
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) out .lz-cache registers/.lz-cache
