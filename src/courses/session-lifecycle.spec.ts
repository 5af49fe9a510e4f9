import { describe, expect, it } from '@jest/globals';
import {
  allowedSessionTransitions,
  canMoveSession,
  sessionTransitionRefusal,
  type TransitionContext,
} from './session-lifecycle.js';
import { SESSION_STATUSES, type SessionStatus } from './session.entity.js';

const admin = { roles: ['admin' as const] };
const active: TransitionContext = { courseStatus: 'active', today: '2026-12-11' };
const session = (status: SessionStatus, endsOn = '2026-12-11') => ({
  status,
  endsOn,
  courseId: 'course-1',
});

describe('session lifecycle', () => {
  it('follows planned → open → in_progress → completed, and planned|open → cancelled', () => {
    const legal = SESSION_STATUSES.flatMap((from) =>
      SESSION_STATUSES.filter((to) => canMoveSession(from, to)).map((to) => `${from}→${to}`),
    );
    expect(legal.sort()).toEqual(
      [
        'planned→open',
        'planned→cancelled',
        'open→in_progress',
        'open→cancelled',
        'in_progress→completed',
      ].sort(),
    );
  });

  it('refuses anything else as ILLEGAL_TRANSITION with from and to', () => {
    expect(sessionTransitionRefusal(session('completed'), 'cancelled', active)).toEqual({
      code: 'ILLEGAL_TRANSITION',
      details: { from: 'completed', to: 'cancelled' },
    });
  });

  it('opens only for an active course', () => {
    for (const courseStatus of ['draft', 'retired'] as const) {
      expect(
        sessionTransitionRefusal(session('planned'), 'open', { ...active, courseStatus }),
      ).toEqual({
        code: 'COURSE_NOT_ACTIVE',
        details: { courseId: 'course-1', status: courseStatus },
      });
      // Cancelling does not depend on the course.
      expect(
        sessionTransitionRefusal(session('planned'), 'cancelled', { ...active, courseStatus }),
      ).toBeNull();
    }
  });

  it('completes on or after the last day, not before', () => {
    const inProgress = session('in_progress', '2026-12-11');
    expect(
      sessionTransitionRefusal(inProgress, 'completed', { ...active, today: '2026-12-10' }),
    ).toEqual({
      code: 'SESSION_NOT_FINISHED',
      details: { endsOn: '2026-12-11', today: '2026-12-10' },
    });
    expect(sessionTransitionRefusal(inProgress, 'completed', active)).toBeNull();
    expect(
      sessionTransitionRefusal(inProgress, 'completed', { ...active, today: '2027-01-01' }),
    ).toBeNull();
  });

  describe('allowedTransitions', () => {
    it('lists what the status route accepts, for admins', () => {
      expect(allowedSessionTransitions(admin, session('planned'), active)).toEqual([
        'open',
        'cancelled',
      ]);
      expect(allowedSessionTransitions(admin, session('open'), active)).toEqual([
        'in_progress',
        'cancelled',
      ]);
      expect(allowedSessionTransitions(admin, session('completed'), active)).toEqual([]);
      expect(allowedSessionTransitions(admin, session('cancelled'), active)).toEqual([]);
    });

    it('agrees with the calendar and course rules', () => {
      expect(
        allowedSessionTransitions(admin, session('in_progress', '2026-12-12'), active),
      ).toEqual([]);
      expect(allowedSessionTransitions(admin, session('in_progress'), active)).toEqual([
        'completed',
      ]);
      expect(
        allowedSessionTransitions(admin, session('planned'), {
          ...active,
          courseStatus: 'retired',
        }),
      ).toEqual(['cancelled']);
    });

    it('is empty for everyone but admins', () => {
      for (const role of ['trainee', 'instructor', 'auditor'] as const) {
        expect(allowedSessionTransitions({ roles: [role] }, session('planned'), active)).toEqual(
          [],
        );
      }
    });

    it('lists exactly the transitions without a refusal, for every status and day', () => {
      for (const status of SESSION_STATUSES) {
        for (const today of ['2026-12-10', '2026-12-11', '2026-12-12']) {
          const context = { ...active, today };
          expect(allowedSessionTransitions(admin, session(status), context)).toEqual(
            SESSION_STATUSES.filter(
              (to) => sessionTransitionRefusal(session(status), to, context) === null,
            ),
          );
        }
      }
    });
  });
});
