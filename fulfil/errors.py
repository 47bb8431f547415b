"""FulfilError and the named refusals the service layer raises.

Each carries a translatable message for the person in front of the screen and an HTTP
status for pages and the API. A refusal always leaves the database unchanged.
"""

from flask_babel import lazy_gettext as _l


class FulfilError(Exception):
    status = 422
    message = _l("That cannot be done.")

    def __init__(self, message=None, **details):
        self.details = details
        if message is not None:
            self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        try:
            return (
                str(self.message) % self.details if self.details else str(self.message)
            )
        except (KeyError, TypeError, ValueError):
            return str(self.message)


class NotFound(FulfilError):
    status = 404
    message = _l("Not found.")


class UnknownProduct(NotFound):
    message = _l("No product with SKU or barcode %(code)s.")


class UnknownLocation(NotFound):
    message = _l("No location %(code)s in this warehouse.")


class UnknownUser(NotFound):
    message = _l("No user %(username)s.")


class InvalidInput(FulfilError):
    status = 400
    message = _l("%(field)s: %(problem)s")


class InsufficientStock(FulfilError):
    message = _l(
        "Only %(available)s of %(sku)s available at %(location)s; "
        "%(requested)s requested."
    )


class ReservationExceeded(FulfilError):
    message = _l("Cannot release %(requested)s: only %(open)s reserved.")


class LotRequired(FulfilError):
    message = _l("%(sku)s is tracked by %(tracking)s: give the lot or serial number.")


class LotNotAllowed(FulfilError):
    message = _l("%(sku)s is not tracked by lot or serial; leave the lot empty.")


class SerialAlreadyInStock(FulfilError):
    message = _l("Serial number %(serial)s of %(sku)s is already in stock.")


class LocationNotStockable(FulfilError):
    message = _l("%(location)s is a virtual location and holds no stock.")


class NotReceivable(FulfilError):
    message = _l(
        "%(location)s is %(what)s. Book deliveries into a receiving or storage bin."
    )
    WHAT = {
        "packing": _l("the packing area"),
        "shipping": _l("the shipping dock"),
        "tote": _l("a tote"),
    }

    def __init__(self, *, location: str, kind: str):
        what = self.WHAT.get(kind, _l("a virtual location"))
        super().__init__(location=location, what=what)


class NothingToBook(FulfilError):
    message = _l("Scan the bin and the item first.")


class NotThisItem(FulfilError):
    message = _l(
        "%(scanned)s is not the item being counted. Book the %(qty)s × %(sku)s "
        "first, or start again."
    )


class SerialIsOneUnit(FulfilError):
    message = _l("A serial number is one unit: book this one, then scan the next.")


class ScanTheLot(FulfilError):
    message = _l("That is the item again: scan its lot or serial number label.")


class WrongWarehouse(FulfilError):
    message = _l("%(location)s belongs to another warehouse.")


class SameLocation(FulfilError):
    message = _l("Source and destination are the same location.")


class IdempotencyConflict(FulfilError):
    status = 409
    message = _l("The key %(key)s was already used for a different operation.")


class InvalidTransition(FulfilError):
    status = 409
    message = _l("%(object)s cannot go from %(current)s to %(target)s.")


class DuplicateValue(FulfilError):
    status = 409
    message = _l("%(field)s %(value)s is already taken.")


class NoCompanyPrefix(FulfilError):
    status = 409
    message = _l(
        "No GS1 company prefix is set up (GS1_COMPANY_PREFIX), so Fulfil cannot "
        "number GTINs: print the label with the SKU, or enter the product's barcode."
    )


class HasBarcode(FulfilError):
    status = 409
    message = _l("%(sku)s already has the barcode %(barcode)s.")


class PrefixFull(FulfilError):
    status = 409
    message = _l("Every GTIN under the company prefix %(prefix)s is in use.")


class NoLabelCode(FulfilError):
    status = 409
    message = _l(
        "The SKU %(sku)s cannot be printed as a barcode (Code 128 takes letters, "
        "digits and - . _ / +, at most 48): give the product a barcode first."
    )


class InvalidBadge(FulfilError):
    status = 401
    message = _l("This badge is not valid. Ask a manager for a new one.")


class InvalidRequest(FulfilError):
    """Several problems at once, each tied to the field it concerns."""

    status = 422
    message = _l("The request has problems: %(summary)s")

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = [(field, str(text)) for field, text in problems]
        summary = "; ".join(f"{field}: {text}" for field, text in self.problems)
        super().__init__(summary=summary)


def _number(value: float) -> str:
    """1.5 as the reader writes it (1,5 in German); English outside a request."""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    return format_decimal(value, locale=get_locale() or "en")


class BadLayoutPlan(InvalidRequest):
    """A rack layout plan out of bounds, or one the route planner would misread."""

    @staticmethod
    def between(low, high) -> str:
        return _l("must be from %(low)s to %(high)s") % {
            "low": _number(low),
            "high": _number(high),
        }

    @staticmethod
    def whole() -> str:
        return str(_l("must be a whole number"))

    @staticmethod
    def at_most_levels(levels: int) -> str:
        return _l("must be at most the %(levels)s levels there are") % {
            "levels": levels
        }

    @staticmethod
    def rows(blocks: int, rows: int) -> str:
        return _l(
            "must be at least %(rows)s with %(blocks)s blocks, or the route "
            "planner cannot tell where one block ends"
        ) % {"rows": rows, "blocks": blocks}

    @staticmethod
    def cross(least: float, bay_width: float) -> str:
        return _l(
            "must be at least %(least)s m with bays %(bay)s m wide, or the route "
            "planner takes the cross aisle for a gap between bays"
        ) % {"least": _number(least), "bay": _number(bay_width)}

    @staticmethod
    def too_many(bins: int, most: int) -> str:
        return _l(
            "the plan makes %(bins)s bins; at most %(most)s are generated at "
            "once (a larger layout can be imported as a locations CSV file)"
        ) % {"bins": bins, "most": most}


class LocationInUse(FulfilError):
    """A bin that holds stock keeps its kind and stays active."""

    status = 409
    message = _l(
        "%(code)s holds %(units)s units (%(reserved)s of them reserved): "
        "%(what)s only once it is empty."
    )
    WHAT = {
        "deactivate": _l("it can be deactivated"),
        "kind": _l("it can become another kind of location"),
    }

    def __init__(self, *, code: str, units: int, reserved: int, change: str):
        super().__init__(
            code=code, units=units, reserved=reserved, what=self.WHAT[change]
        )


class TooManyLabels(FulfilError):
    status = 422
    message = _l(
        "%(count)s labels are more than %(most)s at once: find fewer bins by their "
        "code (A-01 is aisle 1 of block A) and print those."
    )


class OrderConflict(FulfilError):
    status = 409
    message = _l("Order %(external_id)s was already received with different content.")


class NotCancellable(FulfilError):
    status = 409
    message = _l("Order %(external_id)s cannot be cancelled: %(reason)s.")


class DownloadUnavailable(FulfilError):
    status = 410
    message = _l("This download link has expired or has been used up.")


class ShipmentCancelled(FulfilError):
    status = 409
    message = _l("Order %(order)s was cancelled: please do not ship it.")


class MailNotConfigured(FulfilError):
    status = 409
    message = _l("E-mail is not set up: set MAIL_SERVER to send purchase orders.")


class MailFailed(FulfilError):
    status = 502
    message = _l("The e-mail to %(to)s could not be sent: %(reason)s")


class LinkExpired(FulfilError):
    status = 410
    message = _l("This link has expired: the order was closed some time ago.")


class NoPackingArea(FulfilError):
    status = 409
    message = _l(
        "Warehouse %(code)s has no packing area: add a location of kind packing first."
    )


class NotReleasable(FulfilError):
    status = 409
    message = _l("Order %(order)s cannot be released for picking: %(reason)s.")


class NotYourList(FulfilError):
    status = 403
    message = _l("Pick list %(id)s is not yours.")


class ListClosed(FulfilError):
    status = 409
    message = _l("Pick list %(id)s is %(status)s.")


class ScanRefused(FulfilError):
    """A scan that does not fit the task: nothing is recorded but the refusal."""

    status = 422


class WrongBin(ScanRefused):
    message = _l("Wrong bin %(scanned)s. Go to %(expected)s.")


class BinFirst(ScanRefused):
    message = _l("Scan the bin label %(expected)s first.")


class WrongProduct(ScanRefused):
    message = _l("Wrong product %(scanned)s. Take %(expected)s.")


class WrongLot(ScanRefused):
    message = _l("Wrong lot %(scanned)s. Take lot %(expected)s.")


class TooMany(ScanRefused):
    message = _l("Only %(left)s left to pick here, not %(qty)s.")


class NothingToUndo(ScanRefused):
    status = 409
    message = _l("There is no pick to undo on this list.")


class ListChanged(ScanRefused):
    status = 409
    message = _l("The list changed meanwhile: this scan was meant for bin %(bin)s.")


class ListComplete(ScanRefused):
    status = 409
    message = _l("Everything on this list is picked.")


class CountBelowReserved(FulfilError):
    status = 409
    message = _l(
        "%(reserved)s × %(sku)s in %(bin)s are reserved for orders: count again "
        "once they are picked."
    )


class OrderCancelled(FulfilError):
    status = 409
    message = _l("Order %(order)s is cancelled.")


class PackRefused(FulfilError):
    status = 409


class AlreadyPacked(PackRefused):
    message = _l("Order %(order)s is already packed.")


class StillPicking(PackRefused):
    message = _l("Order %(order)s is still being picked.")


class NothingPickedHere(PackRefused):
    status = 404
    message = _l("No picked order waits under %(code)s.")


class ParcelClosed(PackRefused):
    message = _l("Parcel %(number)s of order %(order)s is already closed.")


class WrongOrderItem(PackRefused):
    status = 422
    message = _l("%(code)s is not part of order %(order)s. Put it aside.")


class TooManyPacked(PackRefused):
    status = 422
    message = _l("Every %(name)s of order %(order)s is packed already.")


class BoxTooSmall(PackRefused):
    status = 422
    message = _l(
        "The items do not fit box %(box)s: choose a bigger box or a second parcel."
    )


class BoxTooHeavy(PackRefused):
    status = 422
    message = _l(
        "%(weight)s kg is over the %(limit)s kg box %(box)s carries: choose a "
        "stronger box or split the parcel."
    )


class CustomsDataMissing(PackRefused):
    status = 422
    message = _l(
        "This parcel leaves the EU customs territory: add the HS code and the "
        "country of origin of %(products)s first."
    )


class ParcelFull(PackRefused):
    status = 422
    message = _l(
        "%(qty)s × %(name)s do not fit any box with what is in this parcel already: "
        "close it and pack them into the next one."
    )


class TooManyUnits(PackRefused):
    status = 422
    message = _l("%(qty)s × %(name)s is more than the %(left)s still to pack.")


class WeightOff(PackRefused):
    status = 422
    message = _l(
        "The parcel weighs %(weight)s kg, %(expected)s kg was expected. "
        "Check its contents and weigh again, or confirm the weight."
    )


class NotPacked(PackRefused):
    message = _l("Parcel %(tracking)s is not packed, so it cannot be handed over.")


class NoLocationOfKind(FulfilError):
    status = 409
    message = _l("Warehouse %(code)s has no %(kind)s location: add one first.")


class SlottingRefused(FulfilError):
    """A slotting move that cannot be recorded as it stands: nothing is moved."""

    status = 422


class StockReserved(SlottingRefused):
    message = _l(
        "%(qty)s × %(sku)s in %(bin)s are reserved for orders. "
        "Move the bin once they are picked."
    )


class SlottingOutOfDate(SlottingRefused):
    message = _l(
        "%(bin)s changed since this suggestion was made: it now holds %(holds)s. "
        "Check the updated list."
    )
