import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * One sign-in. Every token issued from it names it: access tokens in their `sid` claim, refresh
 * tokens as their family. Ending it (logout, reuse of a refresh token, a password change,
 * disabling the account) ends all of those tokens at once, because the guard reads the session
 * together with the account on every request. No clock comparison is involved, so a token
 * issued a millisecond before the end is refused and one from a new sign-in right after is not.
 */
@Entity('auth_sessions')
@Index('auth_sessions_user_idx', ['userId'])
export class AuthSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'auth_sessions_pkey' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'auth_sessions_user_fk' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Set when the session ends; its tokens are refused from then on. */
  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;
}
