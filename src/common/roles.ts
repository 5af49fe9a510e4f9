export const ROLES = ['admin', 'instructor', 'trainee', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
