/**
 * `coordinator`: an employer's (an NGO's, an operator's, the army's engineers') contact, who
 * nominates their organisation's people (users.organisation_id says which organisation).
 */
export const ROLES = ['admin', 'instructor', 'trainee', 'auditor', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];
