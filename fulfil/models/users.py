from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fulfil.domain.roles import Role
from fulfil.extensions import db
from fulfil.models.types import Timestamp, enum_column, utcnow


def session_id(user_id: int, generation: int) -> str:
    """What a session cookie holds for its user (Flask-Login's "alternative token"):
    the id and the session generation it was opened in."""
    return f"{user_id}:{generation}"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(default=True)
    # Rotating the nonce revokes every badge printed before.
    badge_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    # In every session cookie of this user; raising it ends all of them.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    warehouse_id: Mapped[int | None] = mapped_column(sa.ForeignKey("warehouses.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    warehouse = relationship("Warehouse")

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return session_id(self.id, self.session_generation)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
