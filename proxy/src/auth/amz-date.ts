/** SigV4 timestamps: `YYYYMMDDTHHMMSSZ` (ISO 8601 basic format, UTC). */

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The instant `amzDate` names, or undefined if it is not a valid `YYYYMMDDTHHMMSSZ` timestamp. */
export function parseAmzDate(amzDate: string): Date | undefined {
  const m = AMZ_DATE.exec(amzDate);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls over out-of-range fields (month 13, 25:00); a real timestamp formats back to itself.
  return formatAmzDate(date) === amzDate ? date : undefined;
}

/** `date` as `YYYYMMDDTHHMMSSZ` (cut out of `YYYY-MM-DDTHH:MM:SS.sssZ`; runs on every request, twice). */
export function formatAmzDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** `date` from an HTTP `Date` header (RFC 7231, e.g. `Fri, 24 May 2013 00:00:00 GMT`), or undefined. */
export function parseHttpDate(value: string): Date | undefined {
  if (!/GMT$/.test(value.trim())) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
