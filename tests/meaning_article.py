"""The small article the model-check tests share: three pairs, two of them changes of meaning
(`allows` → `requires`, capability per dollar → cost per capability)."""

EN = """# Meaning

Reinforcement learning allows for a lot longer optimization.

These models offer high capability per dollar.

The results were published in 2025 by the team.
"""

KO = """# 의미

강화 학습은 훨씬 더 긴 최적화 과정이 필요합니다.

이 모델들은 높은 성능 대비 비용을 제공합니다.

결과는 2025년에 팀이 발표했습니다.
"""
