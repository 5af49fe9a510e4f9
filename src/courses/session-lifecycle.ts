import type { SessionStatus } from './session.entity.js';

const SESSION_TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  planned: ['open', 'cancelled'],
  open: ['in_progress', 'cancelled'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
};

export const canMoveSession = (from: SessionStatus, to: SessionStatus) =>
  SESSION_TRANSITIONS[from].includes(to);

/** Dates, place, language and capacity may change only before teaching starts. */
export const isSessionEditable = (status: SessionStatus) =>
  status === 'planned' || status === 'open';

/** The record of who taught is history once a session is over. */
export const isSessionClosed = (status: SessionStatus) =>
  status === 'completed' || status === 'cancelled';
