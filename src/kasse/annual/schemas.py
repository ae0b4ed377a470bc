"""Wire shapes of the personalization flow under /api/v4/annual (field names as go~mus spells them)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from kasse.catalog.lookups import COUNTRIES, DISPATCH_MODES, SALUTATIONS, LookupEntry
from kasse.core.params import Moment
from kasse.core.wire import Email, Id


def _listed(entries: tuple[LookupEntry, ...]) -> WithJsonSchema:
    """Document the ids of a lookup list as the only ones taken (``_known`` checks them)."""
    return WithJsonSchema({"type": "integer", "enum": sorted(entry.id for entry in entries)})


def _known(entries: tuple[LookupEntry, ...], what: str) -> AfterValidator:
    ids = frozenset(entry.id for entry in entries)

    def check(value: int) -> int:
        if value not in ids:
            raise ValueError(f"unknown {what} {value}: see the lookup list")
        return value

    return AfterValidator(check)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[Text, StringConstraints(max_length=200)]
Street = Annotated[Text, StringConstraints(max_length=300)]
Zip = Annotated[Text, StringConstraints(max_length=20)]
City = Annotated[Text, StringConstraints(max_length=200)]
SalutationId = Annotated[Id, _known(SALUTATIONS, "salutation"), _listed(SALUTATIONS)]
CountryId = Annotated[Id, _known(COUNTRIES, "country"), _listed(COUNTRIES)]
DispatchModeId = Annotated[Id, _known(DISPATCH_MODES, "dispatch mode"), _listed(DISPATCH_MODES)]
StartMoment = Annotated[
    Moment,
    Field(
        description="local time unless an offset is given; a date alone means its local midnight",
        examples=["2026-06-01 10:00:00", "2026-06-01T10:00:00+02:00", "2026-06-01"],
    ),
]


# -- requests -------------------------------------------------------------------------------------


class CustomerIn(BaseModel):
    """A card holder with one address; every field is required."""

    model_config = ConfigDict(extra="ignore")

    name: Name
    surname: Name
    email: Email
    customer_salutation_id: SalutationId
    addr_city: City
    addr_country_id: CountryId
    addr_street: Street
    addr_zip: Zip


class CustomerCreate(BaseModel):
    customer: CustomerIn


class CustomerChangeIn(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="ignore")

    name: Name | None = None
    surname: Name | None = None
    email: Email | None = None
    customer_salutation_id: SalutationId | None = None
    addr_city: City | None = None
    addr_country_id: CountryId | None = None
    addr_street: Street | None = None
    addr_zip: Zip | None = None


class CustomerChange(BaseModel):
    customer: CustomerChangeIn


class PersonalizationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    customer_personalization_token: str | None = Field(
        default=None,
        max_length=200,
        description="the token of a customer created with POST /annual/customers under this "
        "order; leave it out to personalize the card for the order's buyer",
    )
    customer_adress_id: Id = Field(description="an address of that customer (spelled with one d)")
    dispatch_mode_id: DispatchModeId | None = None


class PersonalizationChange(BaseModel):
    personalization: PersonalizationIn


class TicketSaleIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start_at: StartMoment
    dispatch_mode_id: DispatchModeId | None = Field(
        default=None, description="set on every card of the ticket sale"
    )


class TicketSaleChange(BaseModel):
    ticket_sale: TicketSaleIn


# -- responses ------------------------------------------------------------------------------------


class AddressOut(BaseModel):
    id: int
    zip: str | None
    street: str | None
    country_id: int | None
    city: str | None


class CustomerOut(BaseModel):
    id: int
    name: str | None
    surname: str | None
    email: str | None
    salutation_id: int | None
    addresses: list[AddressOut]


class CreatedCustomerOut(CustomerOut):
    personalization_token: str = Field(
        description="binds a personalization to this customer (PUT /annual/personalizations/:id)"
    )


class PersonalizationOut(BaseModel):
    id: int
    ready: bool = Field(
        description="ready to ship: customer, address and dispatch mode set (a card that is not "
        "personalizable needs its dispatch mode only)"
    )
    customer: CustomerOut | None
    address_id: int | None
    dispatch_mode_id: int | None
    portrait: bool = Field(description="a portrait photo was uploaded for this card")


class TicketSaleOut(BaseModel):
    id: int
    title: str
    description: str
    start_at: str | None
    valid_until: str | None = Field(description="the first moment the pass is no longer valid")
    sent_at: str | None
    status: Literal["personalization_pending", "ready_to_send", "sent"] = Field(
        description="personalization_pending until the personalization is finalized, then "
        "ready_to_send, and sent once the cards went out"
    )
    is_personalizable: bool
    personalizations: list[PersonalizationOut]


class AnnualOrderOut(BaseModel):
    id: int
    customer: CustomerOut | None = Field(description="the buyer; null when the order names none")
    shipping_address_id: int | None = Field(description="the buyer's first address")
    personalized_at: str | None = Field(description="when the personalization was finalized")
    ticket_sales: list[TicketSaleOut]


class AnnualOrderResponse(BaseModel):
    order: AnnualOrderOut


class CustomerResponse(BaseModel):
    customer: CreatedCustomerOut


class PersonalizationResponse(BaseModel):
    personalization: PersonalizationOut


class TicketSaleResponse(BaseModel):
    ticket_sale: TicketSaleOut
