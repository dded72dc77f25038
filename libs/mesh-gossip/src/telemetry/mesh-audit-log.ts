import { Logger } from '@nestjs/common';

/** What the audit trail records. */
export type MeshAuditEventKind = 'join' | 'suspect' | 'dead' | 'left' | 'refute' | 'leadership-change';

/** One audit line. Only ids, versions and states: never a key, a token or a message body. */
export interface MeshAuditEvent {
  readonly event: MeshAuditEventKind;
  /** The member concerned (for a leadership change: the new leader, or null when none). */
  readonly nodeId: string | null;
  /** The member's incarnation (membership events). */
  readonly incarnation?: number;
  /** The scope's term (leadership changes). */
  readonly term?: number;
  readonly scope?: string;
  readonly previousLeader?: string | null;
  /** The node that observed it (this process). */
  readonly observer: string;
  /**
   * Shared by every line one gossip round caused: the round that observed a suspicion also tags the
   * death it leads to and the leadership change either triggers.
   */
  readonly correlationId: string;
}

export type MeshLogFormat = 'text' | 'json';

/**
 * Writes audit lines through Nest's logger (context `MeshAudit`): an object when the host logs JSON
 * (Nest's ConsoleLogger then prints one JSON line), `key=value` pairs on one line otherwise.
 */
export class MeshAuditLog {
  private readonly logger = new Logger('MeshAudit');

  constructor(private readonly format: MeshLogFormat = 'text') {}

  record(event: MeshAuditEvent): void {
    if (this.format === 'json') {
      this.logger.log({ audit: true, ...event });
      return;
    }
    const pairs = Object.entries(event).map(([key, value]) => `${key}=${value === null ? '-' : String(value)}`);
    this.logger.log(`audit ${pairs.join(' ')}`);
  }
}
