/* global window */
import { del, get, post, patch } from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import { label, t } from '../i18n.js';
import {
  courses as loadCourses,
  instructors as loadInstructors,
  organisations as loadOrganisations,
} from '../lookups.js';
import {
  reservationsEndOnField,
  reservedSeatsEditor,
  reservedSeatsSummary,
} from '../reserved-seats.js';
import { joiningInstructionsField } from '../admin-forms.js';
import { AWAITING_SESSION } from '../vocabulary.js';
import { attendanceSheetButton, staffingWarning } from '../attendance-sheet.js';
import {
  badge,
  button,
  empty,
  errorContent,
  errorMessage,
  facts,
  heading,
  link,
  loading,
  notice,
  pathId,
  personName,
  section,
  table,
  courseName,
} from '../ui.js';

function seatsText(s) {
  return s.seatsLeft > 0
    ? t('session.seatsLeft', { n: s.seatsLeft, capacity: s.capacity })
    : t('session.full');
}

/**
 * The trainee's own place in the session and whether they may enrol, as the server decides
 * (`session.enrolment`, `session.canEnrol`): the page repeats no rule of its own.
 */
function enrolmentBox(session, course, user, redraw) {
  const slot = h('div', { class: 'slot', 'aria-live': 'polite' });
  const box = h('div', {}, slot);
  const mine = session.enrolment;
  if (mine && mine.status !== 'withdrawn') {
    box.append(
      h(
        'p',
        { class: 'enrol-state' },
        t('enrol.yourStatus'),
        ' ',
        badge('enrolStatus', mine.status),
      ),
    );
    if (mine.status === 'waitlisted') {
      box.append(h('p', { class: 'lead' }, t('enrol.position', { n: mine.waitlistPosition })));
    }
    if (AWAITING_SESSION.includes(mine.status)) {
      box.append(
        button(
          t('enrol.withdraw'),
          async () => {
            if (!window.confirm(t('enrol.withdrawConfirm', { course: course.code }))) return;
            try {
              await post(`/api/v1/enrolments/${mine.id}/withdraw`);
              await redraw(notice('success', t('enrol.withdrawn')));
            } catch (err) {
              replace(slot, notice('error', ...errorContent(err)));
            }
          },
          { kind: 'danger' },
        ),
      );
    }
    return box;
  }
  const refusals = session.canEnrol?.allowed === false ? session.canEnrol.reasons : [];
  if (refusals.length > 0) {
    box.append(...refusals.map((reason) => h('p', {}, errorMessage({ status: 422, ...reason }))));
    return box;
  }
  box.append(
    h('p', {}, session.canEnrol?.seatAvailable ? t('enrol.seatAvailable') : t('enrol.willWait')),
    button(t('enrol.enrol'), async () => {
      try {
        const e = await post(`/api/v1/sessions/${session.id}/enrolments`, {
          traineeId: user.traineeId,
        });
        await redraw(
          notice(
            'success',
            e.status === 'waitlisted'
              ? t('enrol.waitlisted', { n: e.waitlistPosition })
              : t('enrol.enrolled'),
          ),
        );
      } catch (err) {
        replace(
          slot,
          notice('error', h('strong', {}, t('enrol.refused')), ' ', ...errorContent(err)),
        );
        slot.querySelector('[role=alert]')?.focus?.();
      }
    }),
  );
  return box;
}

/**
 * A coordinator's part of the session page: their organisation's people in the session (the
 * roster as the server narrows it for them) with a way to withdraw each, and their people to
 * nominate, searched by name. What is refused, and why, is the server's answer.
 */
function nominateBoxes(session, redraw) {
  const slot = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const said = (kind, ...content) => {
    replace(slot, notice(kind, ...content));
    slot.focus?.();
  };

  const ours = h('div', {}, loading());
  // Who of the organisation holds a seat or a place in line already: they get no Nominate
  // button below (the route would answer ALREADY_ENROLLED).
  const roster = get(`/api/v1/sessions/${session.id}/enrolments`, { limit: 200 });
  const inSession = roster.then(
    (page) =>
      new Set(
        page.items.filter((e) => AWAITING_SESSION.includes(e.status)).map((e) => e.traineeId),
      ),
    () => new Set(),
  );
  roster
    .then((page) => {
      const rows = page.items.filter((e) => e.status !== 'withdrawn');
      replace(
        ours,
        rows.length
          ? table(
              [
                { label: t('field.name'), cell: (e) => personName(e.trainee) },
                {
                  label: t('field.status'),
                  cell: (e) => [
                    badge('enrolStatus', e.status),
                    e.waitlistPosition
                      ? h('div', { class: 'small' }, t('enrol.position', { n: e.waitlistPosition }))
                      : null,
                  ],
                },
                {
                  label: t('field.actions'),
                  cell: (e) =>
                    AWAITING_SESSION.includes(e.status)
                      ? button(
                          t('nominate.withdraw'),
                          async () => {
                            const name = personName(e.trainee);
                            if (!window.confirm(t('nominate.withdrawConfirm', { name }))) return;
                            try {
                              await post(`/api/v1/enrolments/${e.id}/withdraw`);
                              await redraw(notice('success', t('nominate.withdrawn', { name })));
                            } catch (err) {
                              said('error', ...errorContent(err));
                            }
                          },
                          {
                            kind: 'danger',
                            'aria-label': `${t('nominate.withdraw')}: ${personName(e.trainee)}`,
                          },
                        )
                      : null,
                },
              ],
              rows,
              { caption: t('nominate.ours') },
            )
          : empty(t('nominate.noneInSession')),
      );
    })
    .catch((err) => replace(ours, notice('error', ...errorContent(err))));

  const results = h('div', { 'aria-live': 'polite' });
  const find = async () => {
    replace(results, loading());
    try {
      const q = filters.elements.namedItem('q').value.trim();
      const [page, already] = await Promise.all([
        get('/api/v1/trainees', { ...(q ? { q } : {}), limit: 50 }),
        inSession,
      ]);
      replace(
        results,
        page.items.length
          ? table(
              [
                { label: t('field.name'), cell: (p) => personName(p) },
                { label: t('field.dateOfBirth'), cell: (p) => p.dateOfBirth },
                {
                  label: t('field.actions'),
                  cell: (p) =>
                    already.has(p.id)
                      ? h('span', { class: 'small' }, t('nominate.alreadyIn'))
                      : button(
                          t('nominate.submit'),
                          async () => {
                            const name = personName(p);
                            try {
                              const e = await post(`/api/v1/sessions/${session.id}/enrolments`, {
                                traineeId: p.id,
                              });
                              await redraw(
                                notice(
                                  'success',
                                  e.status === 'waitlisted'
                                    ? t('nominate.waitlisted', { name, n: e.waitlistPosition })
                                    : t('nominate.nominated', { name }),
                                ),
                              );
                            } catch (err) {
                              said(
                                'error',
                                h('strong', {}, t('nominate.refused', { name })),
                                ' ',
                                ...errorContent(err),
                              );
                            }
                          },
                          { 'aria-label': `${t('nominate.submit')}: ${personName(p)}` },
                        ),
                },
              ],
              page.items,
              { caption: t('nominate.people') },
            )
          : empty(t('nominate.none')),
      );
    } catch (err) {
      replace(results, notice('error', ...errorContent(err)));
    }
  };
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('nominate.title') },
    h(
      'div',
      { class: 'filters__grid' },
      field({ name: 'q', label: t('nominate.search'), type: 'search', maxlength: 100 }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--secondary' }, t('filter.apply')),
    ),
  );
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void find();
  });
  // The server says whether the session takes nominations at all (canNominate): when it does
  // not, there is nothing to search for, only the reason.
  const closed = session.canNominate && !session.canNominate.allowed;
  if (!closed) void find();
  return [
    section(t('nominate.ours'), ours),
    closed
      ? section(
          t('nominate.title'),
          notice(
            'info',
            h('strong', {}, t('nominate.closed')),
            ...session.canNominate.reasons.flatMap((r) => [' ', r.message]),
          ),
        )
      : section(
          t('nominate.title'),
          h('p', { class: 'lead' }, t('nominate.intro')),
          slot,
          filters,
          results,
        ),
  ];
}

function adminBoxes(session, course, redraw, organisations) {
  const statusSlot = h('div', { class: 'slot' });
  // The moves the server allows this caller now (lifecycle, calendar and course rules).
  const statusButtons = (session.allowedTransitions ?? []).map((to) =>
    button(
      t(`session.to.${to}`),
      async () => {
        if (
          to === 'cancelled' &&
          !window.confirm(t('session.cancelConfirm', { course: course.code }))
        )
          return;
        try {
          await post(`/api/v1/sessions/${session.id}/status`, {
            status: to,
            version: session.version,
          });
          await redraw(
            notice('success', t('session.statusChanged', { status: label('sessionStatus', to) })),
          );
        } catch (err) {
          replace(statusSlot, notice('error', ...errorContent(err)));
        }
      },
      { kind: to === 'cancelled' ? 'danger' : 'primary' },
    ),
  );
  const statusBox = section(
    t('session.statusTitle'),
    h('p', {}, t('session.currentStatus'), ' ', badge('sessionStatus', session.status)),
    statusSlot,
    statusButtons.length
      ? h('div', { class: 'actions' }, statusButtons)
      : h('p', { class: 'muted' }, t('session.final')),
  );

  const instrSlot = h('div', { class: 'slot' });
  const assigned = session.instructors.length
    ? table(
        [
          { label: t('field.name'), cell: (i) => personName(i) },
          { label: t('session.role'), cell: (i) => label('instructorRole', i.role) },
          {
            label: t('field.actions'),
            cell: (i) =>
              button(
                t('session.unassign'),
                async () => {
                  try {
                    await del(`/api/v1/sessions/${session.id}/instructors/${i.instructorId}`);
                    await redraw(notice('success', t('session.unassigned')));
                  } catch (err) {
                    replace(instrSlot, notice('error', ...errorContent(err)));
                  }
                },
                { kind: 'danger', 'aria-label': `${t('session.unassign')}: ${personName(i)}` },
              ),
          },
        ],
        session.instructors,
      )
    : h('p', { class: 'muted' }, t('session.noInstructors'));
  const instrBox = section(t('session.instructors'), instrSlot, assigned);
  loadInstructors()
    .then((list) => {
      const qualified = (i) => i.qualifications.some((q) => q.courseId === course.id);
      const options = list
        .filter((i) => !session.instructors.some((a) => a.instructorId === i.id))
        .sort((a, b) => qualified(b) - qualified(a) || personName(a).localeCompare(personName(b)))
        .map((i) => [
          i.id,
          `${personName(i)}${qualified(i) ? '' : ` (${t('session.notQualified')})`}`,
        ]);
      instrBox.append(
        h('h3', {}, t('session.assign')),
        form({
          fields: [
            {
              name: 'instructorId',
              label: t('session.instructor'),
              type: 'select',
              required: true,
              options: [['', t('filter.choose')], ...options],
            },
            {
              name: 'role',
              label: t('session.role'),
              type: 'select',
              required: true,
              value: session.instructors.some((i) => i.role === 'lead') ? 'assistant' : 'lead',
              options: [
                ['lead', label('instructorRole', 'lead')],
                ['assistant', label('instructorRole', 'assistant')],
              ],
            },
          ],
          submitLabel: t('session.assignSubmit'),
          onSubmit: (v) => post(`/api/v1/sessions/${session.id}/instructors`, v),
          onDone: () => redraw(notice('success', t('session.assigned'))),
        }),
      );
    })
    .catch((err) => instrBox.append(notice('error', ...errorContent(err))));

  const reserved = reservedSeatsEditor(session, organisations);
  const editBox = section(
    t('session.edit'),
    form({
      fields: [
        {
          name: 'startsOn',
          label: t('field.startsOn'),
          type: 'date',
          required: true,
          value: session.startsOn,
        },
        {
          name: 'endsOn',
          label: t('field.endsOn'),
          type: 'date',
          required: true,
          value: session.endsOn,
        },
        {
          name: 'location',
          label: t('field.location'),
          required: true,
          maxlength: 200,
          value: session.location,
        },
        {
          name: 'language',
          label: t('field.language'),
          required: true,
          maxlength: 35,
          value: session.language,
          hint: t('session.languageHint'),
        },
        {
          name: 'capacity',
          label: t('field.capacity'),
          type: 'number',
          required: true,
          min: 1,
          max: 1000,
          step: 1,
          value: session.capacity,
        },
        joiningInstructionsField(session),
        reserved.node,
        reservationsEndOnField(session),
      ],
      submitLabel: t('form.save'),
      onSubmit: (v) =>
        patch(`/api/v1/sessions/${session.id}`, {
          ...v,
          reservedSeats: reserved.value(),
          version: session.version,
        }),
      onDone: () => redraw(notice('success', t('form.saved'))),
    }),
  );
  return [statusBox, instrBox, editBox];
}

export default async function render(root, { user }) {
  const id = pathId(1);
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const redraw = async (message) => {
    replace(root);
    await draw(message);
  };
  const draw = async (message) => {
    const session = await get(`/api/v1/sessions/${id}`);
    const [course, allCourses] = await Promise.all([
      get(`/api/v1/courses/${session.courseId}`),
      loadCourses(),
    ]);
    const byId = new Map(allCourses.map((c) => [c.id, c]));
    const prereqs = course.prerequisiteCourseIds.map((p) => byId.get(p)).filter(Boolean);
    replace(flash, message || []);
    root.append(
      heading(courseName(session.course)),
      flash,
      h(
        'div',
        { class: 'card' },
        facts([
          [t('field.status'), badge('sessionStatus', session.status)],
          [t('field.dates'), `${session.startsOn} – ${session.endsOn}`],
          [t('field.location'), session.location],
          [t('session.joiningInstructions'), session.joiningInstructions],
          [t('field.language'), label('language', session.language)],
          [
            t('session.seats'),
            h(
              'span',
              { class: session.seatsLeft > 0 ? 'seats' : 'seats seats--full' },
              seatsText(session),
            ),
          ],
          [t('session.waiting'), String(session.waitingCount)],
          [t('session.reservedSeats'), reservedSeatsSummary(session)],
          [
            t('session.instructors'),
            session.instructors
              .map((i) => `${personName(i)} (${label('instructorRole', i.role)})`)
              .join(', ') || '—',
          ],
          [t('course.level'), course.localized?.level ?? course.level],
          [t('course.imas'), course.imasReferences.join(', ')],
          [
            t('course.passMark'),
            `${course.passMark} · ${t('course.minAttendance', { n: course.minAttendancePercent })}`,
          ],
          [
            t('course.prerequisites'),
            prereqs.map((p) => `${p.code} · ${p.localized?.title ?? p.title}`).join('; ') ||
              t('course.none'),
          ],
          [
            t('course.medicalTitle'),
            course.requiresMedicalClearance ? t('course.medical') : t('course.notNeeded'),
          ],
        ]),
        course.description && h('p', {}, course.description),
      ),
    );
    root.append(staffingWarning(session) ?? []);
    if (session.canEnrol) {
      root.append(section(t('enrol.title'), enrolmentBox(session, course, user, redraw)));
    }
    if (session.allowedActions.includes('readRoster')) {
      root.append(
        h(
          'p',
          { class: 'actions' },
          link(
            t('session.openRoster'),
            `/app/sessions/${session.id}/roster`,
            {},
            { class: 'btn btn--secondary' },
          ),
          attendanceSheetButton(session),
        ),
      );
    }
    if (session.allowedActions.includes('manage')) {
      root.append(...adminBoxes(session, course, redraw, await loadOrganisations()));
    }
    if (session.allowedActions.includes('nominate')) {
      root.append(...nominateBoxes(session, redraw));
    }
    if (message) flash.focus?.();
  };
  await draw();
}
