"""Cost per call from the versioned price table (configs/prices.yaml): USD per million tokens."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)


class ModelPrice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0, description="USD per million input tokens")
    output: float = Field(ge=0, description="USD per million output tokens")
    cached_input: float | None = Field(default=None, ge=0, description="USD per million cached input tokens")


class PriceTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    currency: str = "USD"
    source: str | None = None
    providers: dict[str, dict[str, ModelPrice]] = Field(
        description="provider → model → price; model '*' prices every model of that provider"
    )

    @classmethod
    def load(cls, path: Path) -> PriceTable:
        try:
            return cls.model_validate(yaml.safe_load(Path(path).read_text()))
        except FileNotFoundError:
            raise FileNotFoundError(f"price table {path} not found (teachers.prices_path)") from None

    def price(self, provider: str, model: str) -> ModelPrice | None:
        models = self.providers.get(provider, {})
        return models.get(model) or models.get("*")

    def cost(self, provider: str, model: str, usage: dict[str, int]) -> float:
        price = self.price(provider, model)
        if price is None:
            log.warning("no price for %s/%s in price table %s; cost counted as 0", provider, model, self.version)
            return 0.0
        cached = usage.get("cached_tokens", 0)
        cached_rate = price.input if price.cached_input is None else price.cached_input
        return (
            (usage.get("input_tokens", 0) - cached) * price.input
            + cached * cached_rate
            + usage.get("output_tokens", 0) * price.output
        ) / 1_000_000
