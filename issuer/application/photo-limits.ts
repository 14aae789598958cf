/**
 * The numbers of the photo pre-check (photo-precheck.ts) that the driver's app also needs, to
 * fit a photo on the phone before it is sent (issuer/web/app/photo-fit.ts): no Node import here,
 * so both sides read the same numbers. The limits are *unconfirmed* (docs/DOMAIN.md §1.5).
 */
export const PHOTO_LIMITS = Object.freeze({
  /** Smallest accepted file: anything smaller is a thumbnail or a screenshot of one. */
  minBytes: 20 * 1024,
  /** Largest accepted file: 5 MB. */
  maxBytes: 5 * 1024 * 1024,
  /** Smallest accepted width after orientation: the ID photo standard 358×441 at 350 dpi. */
  minWidth: 358,
  /** Smallest accepted height after orientation. */
  minHeight: 441,
  /** Largest accepted width or height. */
  maxSide: 6000,
  /** Narrowest accepted width/height ratio (the ID photo is 33×48 mm ≈ 0.69). */
  minAspect: 0.65,
  /** Widest accepted width/height ratio (a 3:4 phone portrait is 0.75). */
  maxAspect: 0.85,
});
