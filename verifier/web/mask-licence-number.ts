/**
 * A licence number as the history keeps it: the first 6 and the last 4 characters, every other
 * one `*` (an ID number is personal data; this much tells two scans apart). A number of 10
 * characters or fewer is masked whole.
 */
export function maskLicenceNumber(licenceNumber: string): string {
  const n = licenceNumber.length;
  if (n <= 10) return '*'.repeat(n);
  return `${licenceNumber.slice(0, 6)}${'*'.repeat(n - 10)}${licenceNumber.slice(n - 4)}`;
}
