"""The kinds of user and which home screen each one starts on."""

from enum import StrEnum


class Role(StrEnum):
    PICKER = "picker"
    PACKER = "packer"
    RECEIVER = "receiver"
    MANAGER = "manager"
    CUSTOMER_SERVICE = "customer_service"
    ADMIN = "admin"


# The endpoint of each role's home screen, in the order a multi-role user sees them.
HOME_ENDPOINTS: dict[Role, str] = {
    Role.PICKER: "picking.home",
    Role.PACKER: "packing.home",
    Role.RECEIVER: "receiving.home",
    Role.MANAGER: "manager.home",
    Role.CUSTOMER_SERVICE: "service.home",
    Role.ADMIN: "admin.home",
}
