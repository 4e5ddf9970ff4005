/**
 * The total bound: how many S3 requests the proxy serves at once (`maxConcurrentRequests`), and how many of them may
 * carry a body (`maxConcurrentUploads`, fewer, so that slow uploads can never take every slot from reads). A request
 * beyond either limit is answered 503 SlowDown at once, before its body is read. The operations endpoints are not
 * counted. XML request bodies, the only bodies read whole, share one byte budget (`maxXmlBytesInFlight`).
 */
export interface AdmissionLimits {
  readonly maxConcurrentRequests: number;
  readonly maxConcurrentUploads: number;
  readonly maxXmlBytesInFlight: number;
}

export class Admission {
  private requests = 0;
  private uploads = 0;
  private xmlBytes = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  /** Requests in flight, all and those with a body. */
  get inFlight(): { readonly requests: number; readonly uploads: number } {
    return { requests: this.requests, uploads: this.uploads };
  }

  /** Takes a slot; returns the function that gives it back (call it once), or undefined when full. */
  tryAdmit(upload: boolean): (() => void) | undefined {
    if (this.requests >= this.limits.maxConcurrentRequests) return undefined;
    if (upload && this.uploads >= this.limits.maxConcurrentUploads) return undefined;
    this.requests += 1;
    if (upload) this.uploads += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.requests -= 1;
      if (upload) this.uploads -= 1;
    };
  }

  /** Reserves `bytes` of the XML budget; returns the function that gives them back, or undefined when full. */
  tryReserveXml(bytes: number): (() => void) | undefined {
    if (this.xmlBytes + bytes > this.limits.maxXmlBytesInFlight) return undefined;
    this.xmlBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.xmlBytes -= bytes;
    };
  }
}
