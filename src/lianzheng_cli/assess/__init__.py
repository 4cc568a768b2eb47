"""考核: the yearly assessment (百分制) of each department and of the unit, from a 评分标准 (``score``, ``standard``).

A pure library: it reads the typed register (and its lint findings) and gives scores with their evidence;
``outputs.assess`` renders them, ``cli.assess`` is the command.
"""

from lianzheng_cli.assess.score import INDICATORS, Assessment, ItemScore, Score, assess
from lianzheng_cli.assess.standard import BANDS, DEFAULT_STANDARD, band, standard_of

__all__ = ["BANDS", "DEFAULT_STANDARD", "INDICATORS", "Assessment", "ItemScore", "Score", "assess", "band",
           "standard_of"]
