/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), as the API server parses them: a number,
 * then a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal one (k M G T P E; lower-case k, as `K` is refused) or none.
 * Exponent forms (`1e3`) are valid Kubernetes but refused here: nobody writes a size that way by intent.
 */
const NUMBER = "[0-9]+(\\.[0-9]+)?";
const SIZE_SUFFIX = "Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E";

/** A size: bytes, with an optional binary or decimal suffix (`10Gi`, `500M`, `2k`). */
export const SIZE_QUANTITY = new RegExp(`^${NUMBER}(${SIZE_SUFFIX})?$`);

/** A CPU or memory request or limit: a size, or milli-units (`250m`). */
export const RESOURCE_QUANTITY = new RegExp(`^${NUMBER}(m|${SIZE_SUFFIX})?$`);
