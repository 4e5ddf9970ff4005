import { Lazy } from "cdktf";

/**
 * A Terraform expression written as text (e.g. `length(split("*", var.x)) == 2`), passed to Terraform as the
 * interpolation `${<expression>}`. Literal strings are escaped by {@link LiteralSafeStack}; this is the one way to
 * write an expression as a string, so every interpolation the code base writes by hand is a call of this function.
 * Prefer cdktf references and `Fn.*` where they can say the same. Concatenated with literal text, the literal part
 * stays literal: `"http://" + tfExpression("var.host")`.
 */
export function tfExpression(expression: string): string {
  return Lazy.stringValue({ produce: () => `\${${expression}}` });
}
