"""Wire shapes of the entry API: an accepted scan answers with a message, a refused one with an
error; scan events and the scanner configuration."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from kasse.core.wire import DecimalText


class EntryMessage(BaseModel):
    message: str = Field(
        description="What the scanner shows, e.g. `valid: Zeitfenster regulär, 2026-12-02 10:00`"
    )


PeopleCount = Annotated[StrictInt, Field(ge=1, le=10_000)]


class ScanOut(BaseModel):
    id: int
    barcode: str
    entry_at: str = Field(description="when it was scanned")
    position: str | None = Field(description="where: the museum id the location named, if any")
    device: str | None = Field(description="the API token that scanned (its id)")
    people_count: int = Field(description="how many people went through on this scan")
    is_valid: bool = Field(description="whether the scan was accepted")
    is_entry: bool = Field(description="an entry (check or admission), not an exit")
    updated_at: str
    created_at: str


class ScanEnvelope(BaseModel):
    scan: ScanOut


class ScanChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    people_count: PeopleCount


class ScanChangeForm(BaseModel):
    """The reference's form body ``scan[people_count]=3``: form values arrive as text."""

    model_config = ConfigDict(extra="ignore")

    people_count: Annotated[int, Field(ge=1, le=10_000), DecimalText] = Field(
        alias="scan[people_count]"
    )


class ScanChangeEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scan: ScanChange


# Scanners send `scan[people_count]=3` as a form (the reference's example) or the same as JSON.
SCAN_CHANGE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "scan": {
                            "type": "object",
                            "properties": {
                                "people_count": {"type": "integer", "minimum": 1, "maximum": 10_000}
                            },
                            "required": ["people_count"],
                        }
                    },
                    "required": ["scan"],
                }
            },
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "scan[people_count]": {"type": "integer", "minimum": 1, "maximum": 10_000}
                    },
                    "required": ["scan[people_count]"],
                }
            },
        },
    }
}


class ScannerSettings(BaseModel):
    primary_color: str
    headline: str
    background_color: str
    background_color_valid: str
    background_color_warning: str
    default_panel_color: str
    warning_panel_color: str
    warning_text_color: str
    text_color: str
    button_default_color: str
    button_default_filling: str
    button_info_color: str
    button_info_filling: str
    button_warning_color: str
    button_warning_filling: str


class ScannerConfig(BaseModel):
    id: str = Field(description="the entry zone's id")
    name: str = Field(description="the entry zone's name")
    settings: ScannerSettings


class ScannerConfigEnvelope(BaseModel):
    config: ScannerConfig
