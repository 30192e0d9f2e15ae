"""A TwinSpace's jointly developed plan and its results (docs/etwinning-rules.md).

The plan is a list of activities, each with dates and the partner schools responsible for it;
the results section lists what the partners made, each pointing to a page or board of the
project and naming the schools that made it. Members read both; teachers edit them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from twinspace.clock import utcnow
from twinspace.errors import NotFound, Problem, RuleViolation
from twinspace.storage import Storage
from twinspace.storage.plan import PlanActivityRecord, ResultRecord
from twinspace.workspace.access import Access, Action

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
SchoolIds = Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1, max_length=50)]


class PlanActivityForm(BaseModel):
    """An activity of the plan: what, when, and which partner schools are responsible."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    description: str = Field("", max_length=5000)
    starts_on: date
    ends_on: date
    school_ids: SchoolIds

    @model_validator(mode="after")
    def _ordered(self) -> PlanActivityForm:
        if self.starts_on > self.ends_on:
            raise ValueError("an activity starts on or before the day it ends")
        return self


class ResultForm(BaseModel):
    """A result made by partners, pointing to the page or board that holds it."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    description: str = Field("", max_length=5000)
    page_id: int | None = Field(None, ge=1)
    board_id: int | None = Field(None, ge=1)
    school_ids: SchoolIds


class PlanService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def _check_schools(self, access: Access, school_ids: Sequence[int]) -> None:
        partners = {s.id for s in await self._storage.plan.partner_schools(access.project.id)}
        strangers = sorted(set(school_ids) - partners)
        if strangers:
            raise RuleViolation(
                "responsible schools are the project's partner schools",
                problem=Problem.NOT_PARTNER_SCHOOL,
                rule="partner-school",
                school_ids=strangers,
            )

    async def _check_places(self, access: Access, form: ResultForm) -> None:
        if form.page_id is not None:
            page = await self._storage.pages.get(form.page_id)
            if page is None or page.project_id != access.project.id or page.deleted_at:
                raise RuleViolation(
                    "the page is not one of this project's",
                    problem=Problem.RESULT_NOT_IN_PROJECT,
                    rule="result-page",
                )
        if form.board_id is not None:
            board = await self._storage.boards.get(form.board_id)
            if board is None or board.project_id != access.project.id:
                raise RuleViolation(
                    "the board is not one of this project's",
                    problem=Problem.RESULT_NOT_IN_PROJECT,
                    rule="result-board",
                )

    # -- plan -------------------------------------------------------------------------------

    async def activities(self, access: Access) -> list[PlanActivityRecord]:
        access.require(Action.READ)
        return await self._storage.plan.activities(access.project.id)

    async def _own_activity(self, access: Access, activity_id: int) -> PlanActivityRecord:
        found = await self._storage.plan.activity(activity_id)
        if found is None or found.project_id != access.project.id:
            raise NotFound("no such activity")
        return found

    async def add_activity(self, access: Access, form: PlanActivityForm) -> PlanActivityRecord:
        access.require(Action.MANAGE_SPACES)
        await self._check_schools(access, form.school_ids)
        activity_id = await self._storage.plan.create_activity(
            project_id=access.project.id,
            title=form.title,
            description=form.description,
            starts_on=form.starts_on,
            ends_on=form.ends_on,
            school_ids=form.school_ids,
            created_by=access.user.id,
            now=utcnow(),
        )
        return await self._own_activity(access, activity_id)

    async def change_activity(
        self, access: Access, activity_id: int, form: PlanActivityForm
    ) -> PlanActivityRecord:
        access.require(Action.MANAGE_SPACES)
        await self._own_activity(access, activity_id)
        await self._check_schools(access, form.school_ids)
        await self._storage.plan.update_activity(
            activity_id,
            title=form.title,
            description=form.description,
            starts_on=form.starts_on,
            ends_on=form.ends_on,
            school_ids=form.school_ids,
            now=utcnow(),
        )
        return await self._own_activity(access, activity_id)

    async def remove_activity(self, access: Access, activity_id: int) -> None:
        access.require(Action.MANAGE_SPACES)
        await self._own_activity(access, activity_id)
        await self._storage.plan.delete_activity(activity_id)

    # -- results ----------------------------------------------------------------------------

    async def results(self, access: Access) -> list[ResultRecord]:
        access.require(Action.READ)
        return await self._storage.plan.results(access.project.id)

    async def _own_result(self, access: Access, result_id: int) -> ResultRecord:
        found = await self._storage.plan.result(result_id)
        if found is None or found.project_id != access.project.id:
            raise NotFound("no such result")
        return found

    async def add_result(self, access: Access, form: ResultForm) -> ResultRecord:
        access.require(Action.MANAGE_SPACES)
        await self._check_schools(access, form.school_ids)
        await self._check_places(access, form)
        result_id = await self._storage.plan.create_result(
            project_id=access.project.id,
            title=form.title,
            description=form.description,
            page_id=form.page_id,
            board_id=form.board_id,
            school_ids=form.school_ids,
            created_by=access.user.id,
            now=utcnow(),
        )
        return await self._own_result(access, result_id)

    async def change_result(self, access: Access, result_id: int, form: ResultForm) -> ResultRecord:
        access.require(Action.MANAGE_SPACES)
        await self._own_result(access, result_id)
        await self._check_schools(access, form.school_ids)
        await self._check_places(access, form)
        await self._storage.plan.update_result(
            result_id,
            title=form.title,
            description=form.description,
            page_id=form.page_id,
            board_id=form.board_id,
            school_ids=form.school_ids,
            now=utcnow(),
        )
        return await self._own_result(access, result_id)

    async def remove_result(self, access: Access, result_id: int) -> None:
        access.require(Action.MANAGE_SPACES)
        await self._own_result(access, result_id)
        await self._storage.plan.delete_result(result_id)
