/*
 * What the reviewers' routes answer (GET /api/review/queue, GET /api/review/applications/:id), as
 * plain types free of any Node import: the service builds them and the console
 * (issuer/web/console) reads them. Times are seconds since the epoch.
 */
import type { LicenceRecord } from '../../shared/licence/record.js';
import type { ApplicationPath, ApplicationState } from '../db/schema.js';

/** What every view of an application awaiting or past review shows. */
interface ReviewedApplication {
  readonly id: number;
  /** The licence number masked: the first 6 and the last 4 characters only. */
  readonly licenceNumber: string;
  readonly submittedAt: number | null;
  readonly deadline: number | null;
  /**
   * The deadline lies beyond the working calendar: counted Monday to Friday, as the holiday
   * arrangement of its year is not published yet.
   */
  readonly deadlineProvisional: boolean;
  /** Submitted and the deadline has passed. */
  readonly overdue: boolean;
}

/** One application waiting for review, as a reviewer's list shows it. */
export interface QueueEntry extends ReviewedApplication {
  readonly path: 'camera' | 'album';
}

/** The automatic pre-check's report on a submitted photo. */
export interface PrecheckReport {
  readonly width: number;
  readonly height: number;
  /** When the photo was taken, from its EXIF; null when unknown. */
  readonly takenAt: number | null;
}

/** One entry of an application's audit trail. */
export interface AuditEntryView {
  readonly at: number;
  /** `driver:<id>`, `staff:<id>` or `system`. */
  readonly actor: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** An application as a reviewer examines it. */
export interface ApplicationDetail extends ReviewedApplication {
  readonly path: ApplicationPath;
  readonly state: ApplicationState;
  readonly decidedAt: number | null;
  readonly reviewerId: number | null;
  readonly reason: string | null;
  /** Whether there is a photo to fetch (GET /api/review/applications/:id/photo). */
  readonly hasPhoto: boolean;
  readonly precheck: PrecheckReport | null;
  /** Every audit entry whose subject is `application:<id>`, oldest first. */
  readonly audit: readonly AuditEntryView[];
  /** Who applies, from the registry, for comparing faces: never the full ID number. */
  readonly applicant: {
    readonly name: string;
    readonly sex: LicenceRecord['sex'];
    /** Whole years at the time of the answer, China time. */
    readonly age: number;
    /** When the licence was bound to the account (null: the account no longer holds it). */
    readonly boundAt: number | null;
    /** The real-person check that bound it; null for accounts bound before checks existed. */
    readonly bindingCheck: { readonly score: number; readonly at: number } | null;
  };
  /** Every rejection of this licence's applications (this one's too), newest first. */
  readonly earlierRejections: readonly {
    readonly id: number;
    readonly decidedAt: number | null;
    readonly reason: string | null;
  }[];
}
