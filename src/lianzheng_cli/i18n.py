"""Messages in Chinese (default) and English.

Every user-facing sentence lives under a stable key in a ``Messages`` catalogue
next to the code that says it (``tr = messages({...})`` at the top of a module);
rule codes and JSON keys never depend on the language. The language is chosen once per
run (``--lang`` or ``LZ_LANG``) and read when a message is made.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from contextvars import ContextVar

LANGUAGES = ("zh", "en")

_language: ContextVar[str | None] = ContextVar("lz_language", default=None)


def set_language(lang: str | None) -> None:
    _language.set(lang if lang in LANGUAGES else None)


def current_language() -> str:
    lang = _language.get()
    if lang:
        return lang
    env = os.environ.get("LZ_LANG", "").lower()
    return "en" if env.startswith("en") else "zh"


class Messages:
    """One module's messages, kept next to the code that says them: ``{key: {"zh": …, "en": …}}``.

    Calling it with a key and the key's parameters translates. A key the module does not define is looked up
    in the shared catalogue (``SHARED``: loading, schema and summary messages every stage uses).
    Nothing is registered globally, so a message exists exactly when its module is imported.
    """

    __slots__ = ("entries", "fallback")

    def __init__(self, entries: dict[str, dict[str, str]], *, fallback: Messages | None = None):
        for key, entry in entries.items():
            if set(entry) != set(LANGUAGES):
                raise ValueError(f"message {key} needs exactly {LANGUAGES}")
        self.entries = entries
        self.fallback = fallback

    def __call__(self, key: str, /, **params: object) -> str:
        entry = self.entries.get(key)
        if entry is None:
            if self.fallback is None:
                raise KeyError(key)
            return self.fallback(key, **params)
        text = entry["en"] if current_language() == "en" else entry["zh"]
        return text.format(**params) if params else text

    def __contains__(self, key: object) -> bool:
        return key in self.entries or (self.fallback is not None and key in self.fallback)

    def entry(self, key: str, /) -> dict[str, str]:
        """The texts of ``key`` in every language (from the shared catalogue when this one lacks it)."""
        entry = self.entries.get(key)
        if entry is not None:
            return entry
        if self.fallback is None:
            raise KeyError(key)
        return self.fallback.entry(key)

    def lazy(self, key: str, /, **params: object) -> LazyText:
        """The message ``key``, said in the language current when it is shown rather than now.

        For help texts: typer makes them when it builds the commands, before ``--lang`` is read. A parameter
        may be a ``LazyText`` too, or a list of texts (listed as ``join_list`` does).
        """
        entry = self.entry(key)

        def say(language: str | None) -> str:
            text = entry["en" if (language or current_language()) == "en" else "zh"]
            if not params:
                return text
            return text.format(**{name: _said(value, language) for name, value in params.items()})

        return LazyText(say("zh"), lambda: say(None))


class LazyText(str):
    """A message said when it is shown (``said()``), in the language of that moment.

    As a plain ``str`` it is the Chinese text, so code that knows nothing of languages still shows a whole
    message; the CLI's help formatting asks ``said()``. Made by ``Messages.lazy``.
    """

    _say: Callable[[], str]

    def __new__(cls, chinese: str, say: Callable[[], str]) -> LazyText:
        text = super().__new__(cls, chinese)
        text._say = say
        return text

    def said(self) -> str:
        return self._say()


def _said(value: object, language: str | None) -> object:
    """A message parameter in ``language`` (None: the current one): lazy texts said, lists listed."""
    if isinstance(value, LazyText):
        return str(value) if language == "zh" else value.said()
    if isinstance(value, list | tuple):
        items = [str(_said(item, language)) for item in value]
        return (", " if (language or current_language()) == "en" else "、").join(items)
    return value


def messages(entries: dict[str, dict[str, str]]) -> Messages:
    """A module's own catalogue, falling back to the shared one."""
    return Messages(entries, fallback=SHARED)


_OS_ERRORS = {
    errno.EACCES: "io.permission", errno.EPERM: "io.permission", errno.EROFS: "io.read_only_fs",
    errno.ENOSPC: "io.no_space", errno.EDQUOT: "io.no_space", errno.EFBIG: "io.too_large",
    errno.ENOENT: "io.missing", errno.ENAMETOOLONG: "io.name_too_long", errno.EISDIR: "io.is_folder",
    errno.ENOTDIR: "io.not_folder", errno.EEXIST: "io.exists", errno.EIO: "io.device", errno.ELOOP: "io.loop",
    errno.EMFILE: "io.too_many", errno.ENFILE: "io.too_many", errno.EXDEV: "io.device", errno.EBUSY: "io.busy",
}


def os_error_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the user's language (never the system's English)."""
    key = _OS_ERRORS.get(exc.errno or 0)
    if key is None:
        return SHARED("io.other", code=errno.errorcode.get(exc.errno or 0, type(exc).__name__))
    return SHARED(key)


def join_list(items: list[str]) -> str:
    return (", " if current_language() == "en" else "、").join(items)


_SHARED_ENTRIES: dict[str, dict[str, str]] = {
    # --- loading (LZ001–LZ009) ---
    "LZ001": {"zh": "YAML语法错误：{problem}", "en": "YAML syntax error: {problem}"},
    "LZ002.gb18030": {
        "zh": "文件编码为GB18030/GBK，请另存为UTF-8（第一个非UTF-8字节在此处）",
        "en": "file is encoded in GB18030/GBK; save it as UTF-8 (first non-UTF-8 byte here)",
    },
    "LZ002.utf16": {
        "zh": "文件编码为{encoding}，请另存为UTF-8",
        "en": "file is encoded in {encoding}; save it as UTF-8",
    },
    "LZ002.invalid": {
        "zh": "文件不是有效的UTF-8文本，请另存为UTF-8",
        "en": "file is not valid UTF-8 text; save it as UTF-8",
    },
    "LZ003": {
        "zh": "键 `{key}` 重复（第一次出现在第{first_line}行）",
        "en": "duplicate key `{key}` (first defined on line {first_line})",
    },
    "LZ004": {
        "zh": "不允许使用YAML标签 `{tag}`（登记簿只能包含普通文本、数字、列表和映射）",
        "en": "YAML tag `{tag}` is not allowed (registers hold plain text, numbers, lists and mappings only)",
    },
    "LZ005.depth": {
        "zh": "嵌套层级超过{limit}层，拒绝读取",
        "en": "nesting deeper than {limit} levels; refused",
    },
    "LZ005.aliases": {
        "zh": "别名（*引用）展开后的内容过大，拒绝读取",
        "en": "alias (*reference) expansion is too large; refused",
    },
    "LZ005.undefined_alias": {
        "zh": "别名 `*{name}` 没有对应的锚点 `&{name}`",
        "en": "alias `*{name}` has no anchor `&{name}` before it",
    },
    "LZ005.complex_key": {
        "zh": "映射的键必须是普通文本，不能是列表或映射",
        "en": "a mapping key must be plain text, not a list or mapping",
    },
    "LZ006.version": {
        "zh": "不支持 `%YAML {version}` 指令：登记簿使用YAML 1.2，请删除该行",
        "en": "`%YAML {version}` directive is not supported: registers are YAML 1.2; delete the line",
    },
    "LZ006.control": {
        "zh": "包含控制字符 U+{codepoint:04X}，Excel无法保存，请删除",
        "en": "contains control character U+{codepoint:04X}, which Excel cannot hold; delete it",
    },
    "LZ006.character": {
        "zh": "包含不允许的字符 U+{codepoint:04X}（控制字符或非字符，YAML 不能读取），请删除",
        "en": "contains character U+{codepoint:04X} (a control character or non-character YAML cannot read); "
              "delete it",
    },
    "LZ005.size": {
        "zh": "文件有{size} MB，超过上限{limit} MB，拒绝读取（请按部门拆分为多个文件）",
        "en": "the file has {size} MB, more than the limit of {limit} MB; refused (split it by department)",
    },
    "LZ007": {"zh": "文件为空", "en": "file is empty"},
    "LZ008": {
        "zh": "一个文件只能包含一个YAML文档（此处开始了第二个）",
        "en": "a file holds one YAML document only (a second one starts here)",
    },
    "LZ009": {"zh": "文件无法读取：{reason}", "en": "file cannot be read: {reason}"},
    "LZ009.permission": {"zh": "没有读取权限", "en": "permission denied"},
    "LZ009.folder": {"zh": "这是一个文件夹，不是文件", "en": "it is a folder, not a file"},
    "LZ009.special": {
        "zh": "这不是普通文件（设备、管道或套接字），不读取",
        "en": "it is not a regular file (a device, pipe or socket); not read",
    },
    "LZ009.loop": {"zh": "链接形成循环", "en": "the links form a loop"},
    "LZ009.missing": {
        "zh": "文件不存在（可能是失效的链接，或读取时被删除）",
        "en": "no such file (a broken link, or removed while reading)",
    },
    # --- schema (LZ010–LZ019) ---
    "LZ010": {"zh": "未知的键 `{key}`（此处允许：{known}）", "en": "unknown key `{key}` (allowed here: {known})"},
    "LZ010.suggest": {
        "zh": "未知的键 `{key}`，是否应为 `{suggestion}`？",
        "en": "unknown key `{key}`; did you mean `{suggestion}`?",
    },
    "LZ011": {"zh": "缺少必填的键 `{key}`（位于 {where}）", "en": "missing required key `{key}` (in {where})"},
    "LZ011.subject": {
        "zh": "风险点没有涉及对象（位于 {where}）：写 `posts`（岗位）、`parties`（外部单位），"
              "或写 `applies_to: 部门`/`单位`（共性风险点），至少一项",
        "en": "the risk names no one it concerns (in {where}): give `posts`, `parties`, "
              "or `applies_to: 部门`/`单位` (a common risk point)",
    },
    "LZ012": {"zh": "`{field}` 应为{expected}，实为{actual}", "en": "`{field}` must be {expected}, not {actual}"},
    "LZ012.bool_hint": {
        "zh": "（YAML 1.2中 `{value}` 是文本，请写 true 或 false）",
        "en": " (in YAML 1.2 `{value}` is text; write true or false)",
    },
    "LZ013": {
        "zh": "`{field}` 的值 `{value}` 不在允许范围内：{allowed}",
        "en": "`{field}` value `{value}` is not one of: {allowed}",
    },
    "LZ014": {"zh": "`{field}` 的日期 `{value}` 格式不对，应为 YYYY-MM-DD（如 2025-03-01）",
              "en": "`{field}` date `{value}` is not YYYY-MM-DD (e.g. 2025-03-01)"},
    "LZ015": {"zh": "`{field}` 的编号 `{value}` 不合规：须以字母或数字开头，只含字母、数字和 . _ - ( )",
              "en": "`{field}` id `{value}` is malformed: it must start with a letter or digit and hold only "
                    "letters, digits and . _ - ( )"},
    "LZ015.code": {"zh": "`{value}` 不是规则代码（应如 LZ501）", "en": "`{value}` is not a rule code (like LZ501)"},
    "LZ016": {
        "zh": "`{field}` 的值 `{value}` 超出范围{low}–{high}",
        "en": "`{field}` value {value} is outside {low}–{high}",
    },
    "LZ017": {"zh": "`{field}` 至少需要{count}项", "en": "`{field}` needs at least {count} item(s)"},
    "LZ018": {"zh": "`{field}` 不能为空", "en": "`{field}` must not be empty"},
    "LZ019": {"zh": "不符合登记簿格式：{detail}", "en": "does not match the register format: {detail}"},
    "schema.whole_file": {"zh": "文件内容", "en": "the file"},
    "schema.other": {"zh": "不符合登记簿格式：{detail}", "en": "does not match the register format: {detail}"},
    # --- references (LZ020–LZ029) ---
    "LZ020": {
        "zh": "{kind}编号 `{id}` 重复：已在 {where} 定义",
        "en": "{kind} id `{id}` is a duplicate: already defined at {where}",
    },
    "LZ021": {
        "zh": "`{field}` 引用的{kind} `{id}` 不存在",
        "en": "`{field}` names {kind} `{id}`, which does not exist",
    },
    "LZ021.suggest": {"zh": "`{field}` 引用的{kind} `{id}` 不存在，是否应为 `{suggestion}`？",
                      "en": "`{field}` names {kind} `{id}`, which does not exist; did you mean `{suggestion}`?"},
    "LZ021.step": {"zh": "环节 `{id}` 不在流程 `{process}` 中（该流程的环节：{steps}）",
                   "en": "step `{id}` is not in process `{process}` (its steps: {steps})"},
    "LZ021.behind": {
        "zh": "（其他文件中另有{count}处引用本文件定义的编号，本文件能读取后再检查）",
        "en": " ({count} references in other files to ids this file defines are checked once it can be read)",
    },
    "LZ022": {
        "zh": "部门编号 `{id}` 与文件名 `{stem}` 不一致",
        "en": "department id `{id}` differs from the file name `{stem}`",
    },
    "LZ023": {"zh": "写了关键环节 `step` 却没有写所属流程 `process`", "en": "`step` is given without its `process`"},
    "LZ024": {
        "zh": "评级方法为 factors（因素评分），风险点须填写 `factors`",
        "en": "grading method is factors: the risk needs `factors`",
    },
    "LZ025": {
        "zh": "登记簿中没有部门文件（departments/*.yaml）",
        "en": "the register has no department files (departments/*.yaml)",
    },
    "LZ026.differs": {
        "zh": "{path} 与本登记簿的格式（内置词表及 org.yaml 的 vocabulary）不一致，编辑器和 check-jsonschema "
              "会与 lz 校验结果不同：请运行 lz schema --write 更新",
        "en": "{path} does not match this register's format (the built-in vocabulary and org.yaml's vocabulary): "
              "editors and check-jsonschema would disagree with lz; run lz schema --write",
    },
    "LZ026.missing": {
        "zh": "{path} 不存在，而 schemas/ 中有另一份格式文件：请运行 lz schema --write 补齐",
        "en": "{path} is missing while schemas/ holds the other schema; run lz schema --write",
    },
    "LZ027.builtin": {
        "zh": "`{word}` 已是{vocabulary}的内置写法，不必增补",
        "en": "`{word}` is already a built-in spelling of {vocabulary}; no need to add it",
    },
    "LZ027.twice": {
        "zh": "`{word}` 在{vocabulary}中增补了两次",
        "en": "`{word}` is added to {vocabulary} twice",
    },
    "LZ027.alias_taken": {
        "zh": "别名 `{alias}` 已是{vocabulary}中的写法（内置或增补的），不能再作别名",
        "en": "alias `{alias}` is already a spelling of {vocabulary} (built-in or added); it cannot be an alias",
    },
    "LZ027.alias_target": {
        "zh": "别名 `{alias}` 对应的 `{word}` 不是{vocabulary}的标准词（标准词：{words}）",
        "en": "alias `{alias}` maps to `{word}`, which is not a word of {vocabulary} (words: {words})",
    },
    # --- the yearly cycle (validate/cycle.py) ---
    "LZ028": {
        "zh": "部门 `{id}` 在最近一次审核（{approval}，版本 {short}）之后有改动，请重新审核（lz approve）",
        "en": "department `{id}` changed after its latest approval ({approval}, revision {short}); "
              "approve it again (lz approve)",
    },
    "LZ028.unknown_revision": {
        "zh": "审核记录的版本 {short} 不在本仓库中，无法判断审核后有无改动",
        "en": "revision {short} of this approval is not in the repository, so later changes cannot be told",
    },
    # --- object kinds, for messages ---
    "kind.department": {"zh": "部门", "en": "department"},
    "kind.person": {"zh": "人员", "en": "person"},
    "kind.post": {"zh": "岗位", "en": "post"},
    "kind.power": {"zh": "职权", "en": "power"},
    "kind.process": {"zh": "流程", "en": "process"},
    "kind.step": {"zh": "环节", "en": "step"},
    "kind.risk": {"zh": "风险点", "en": "risk"},
    "kind.measure": {"zh": "措施", "en": "measure"},
    "kind.warning": {"zh": "预警记录", "en": "warning"},
    "kind.owner": {"zh": "责任主体（部门、岗位、人员或外部单位）", "en": "owner (department, post, person or party)"},
    "kind.party": {"zh": "外部单位", "en": "party"},
    # --- usage and configuration (exit 2) ---
    "usage.no_register": {
        "zh": "未找到登记簿：从 {start} 向上没有 registers/org.yaml；请用 --register 指定登记簿目录",
        "en": "no register found: no registers/org.yaml from {start} upwards; name one with --register",
    },
    "usage.not_a_register": {
        "zh": "{path} 不是登记簿目录（其中没有 org.yaml）",
        "en": "{path} is not a register folder (it has no org.yaml)",
    },
    # --- reading and writing files (render, report, brief, grade --write) ---
    "io.permission": {"zh": "没有权限", "en": "permission denied"},
    "io.read_only_fs": {"zh": "文件系统为只读", "en": "read-only file system"},
    "io.no_space": {"zh": "磁盘空间不足", "en": "no space left on the device"},
    "io.too_large": {"zh": "文件超过允许的大小", "en": "file too large"},
    "io.missing": {"zh": "文件或目录不存在", "en": "no such file or folder"},
    "io.name_too_long": {"zh": "文件名过长", "en": "file name too long"},
    "io.is_folder": {"zh": "这是一个目录", "en": "it is a folder"},
    "io.not_folder": {"zh": "路径中有一部分不是目录", "en": "a part of the path is not a folder"},
    "io.exists": {"zh": "文件已存在", "en": "the file exists"},
    "io.device": {"zh": "设备读写错误", "en": "input/output error"},
    "io.loop": {"zh": "链接形成循环", "en": "the links form a loop"},
    "io.too_many": {"zh": "打开的文件过多", "en": "too many open files"},
    "io.busy": {"zh": "文件正被占用", "en": "the file is busy"},
    "io.other": {"zh": "系统错误 {code}", "en": "system error {code}"},
    # --- summaries and command output ---
    "summary.clean": {
        "zh": "已检查{files}个文件：{departments}个部门、{risks}个风险点、{measures}项措施，没有发现错误",
        "en": "checked {files} files: {departments} departments, {risks} risks, {measures} measures; no errors",
    },
    "summary.found": {
        "zh": "已检查{files}个文件：{departments}个部门、{risks}个风险点、{measures}项措施；"
              "发现{errors}个错误、{warnings}个警告",
        "en": "checked {files} files: {departments} departments, {risks} risks, {measures} measures; "
              "{errors} errors, {warnings} warnings",
    },
    "usage.bad_format": {
        "zh": "没有 `{value}` 这种输出格式，可选：{choices}",
        "en": "no output format `{value}`; choose one of: {choices}",
    },
    "progress.parsing": {"zh": "解析登记簿文件", "en": "parsing register files"},
    "severity.error": {"zh": "错误", "en": "error"},
    "severity.warning": {"zh": "警告", "en": "warning"},
    "severity.info": {"zh": "提示", "en": "info"},
    # YAML problems as libyaml states them, translated (matched by substring).
    "yaml.tab": {"zh": "不能用制表符（Tab）缩进，请改用空格", "en": "tabs cannot be used for indentation; use spaces"},
    "yaml.eof_quoted": {
        "zh": "引号没有闭合（文件结束前没有找到对应的引号）",
        "en": "unclosed quote (end of file reached before the closing quote)",
    },
    "yaml.mapping_values": {
        "zh": "此处不能出现冒号（缩进不对，或文本中的 `: ` 需要加引号）",
        "en": "a colon is not allowed here (wrong indentation, or `: ` inside text needs quotes)",
    },
    "yaml.expected_key": {
        "zh": "缩进不一致：此处应为同级的键",
        "en": "inconsistent indentation: a key at the same level was expected",
    },
    "yaml.expected_colon": {
        "zh": "缺少冒号 `:`（简单键后应跟 `: 值`）",
        "en": "missing `:` after a simple key",
    },
    "yaml.flow_end": {
        "zh": "方括号或花括号没有闭合",
        "en": "unclosed bracket or brace",
    },
    "yaml.block_end": {
        "zh": "缩进不一致：此处的块没有正确结束",
        "en": "inconsistent indentation: the block does not end properly",
    },
    "yaml.node_content": {
        "zh": "此处缺少值（列表或映射没有写完，或逗号后没有内容）",
        "en": "a value is missing here (an unfinished list or mapping, or nothing after a comma)",
    },
    "yaml.bad_start": {
        "zh": "值不能以此字符开头（以 @、`、% 等开头的文本须加引号）",
        "en": "a value cannot start with this character (text starting with @, ` or % needs quotes)",
    },
    "yaml.document_start": {
        "zh": "此处多出了内容（缩进不对，或上一项没有写完）",
        "en": "unexpected content here (wrong indentation, or the item before is unfinished)",
    },
    "yaml.document_indicator": {
        "zh": "引号中的文本不能在行首写 --- 或 ...",
        "en": "quoted text cannot have --- or ... at the start of a line",
    },
    "yaml.escape": {
        "zh": "双引号中的转义写法无效（\\ 后应为 n、t、\\、\" 等；要写反斜杠本身请改用单引号）",
        "en": "invalid escape in double quotes (\\ must be followed by n, t, \\, \" …; for a backslash use single "
              "quotes)",
    },
    "yaml.sequence_here": {
        "zh": "此处不能开始列表项（- 的缩进不对）",
        "en": "a list item cannot start here (the - is wrongly indented)",
    },
    "yaml.key_here": {"zh": "此处不能写以 `?` 开头的键", "en": "a key starting with ? is not allowed here"},
    "yaml.line_end": {
        "zh": "值后面多出了内容（此处应为注释或换行）",
        "en": "unexpected text after the value (a comment or line break was expected)",
    },
    "yaml.anchor_name": {
        "zh": "锚点（&）或别名（*）的名称只能含字母、数字、- 和 _",
        "en": "an anchor (&) or alias (*) name holds only letters, digits, - and _",
    },
    "yaml.directive": {
        "zh": "% 开头的指令有误（登记簿不需要 %YAML、%TAG 指令，请删除该行）",
        "en": "a malformed % directive (registers need no %YAML or %TAG directive; delete the line)",
    },
    "yaml.block_scalar": {
        "zh": "| 或 > 后的标记有误（缩进数字应为1–9）",
        "en": "a malformed indicator after | or > (the indentation digit must be 1–9)",
    },
    "yaml.tag": {
        "zh": "`!` 开头的标签写法有误（登记簿不使用标签；以 `!` 开头的文本须加引号）",
        "en": "a malformed ! tag (registers use no tags; text starting with ! needs quotes)",
    },
    "yaml.unknown": {
        "zh": "此处无法解析（请检查引号、括号、冒号与缩进）",
        "en": "this cannot be parsed (check quotes, brackets, colons and indentation)",
    },
}

# Messages of loading and validation, and the words every stage shares.
SHARED = Messages(_SHARED_ENTRIES)
tr = SHARED
