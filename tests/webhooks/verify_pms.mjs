// The seed's verifier (Outreach API reference, "Signature verification"), as published but
// for its TypeScript type annotations, run on a body exactly as a receiver got it.
//   node verify_pms.mjs <file with the raw body> <X-PMS-Signature value>   (secret in PMS_SECRET)
// Prints "valid" (exit 0) or "invalid" (exit 1).
import { createHmac } from "node:crypto"
import { readFileSync } from "node:fs"

export function verifyPmsWebhook(rawBody, headerSig, secret) {
const expected = "sha256=" + createHmac("sha256", secret).update(rawBody).digest("hex")
// constant-time compare in production
return expected === headerSig
}

const [bodyFile, headerSig] = process.argv.slice(2)
const ok = verifyPmsWebhook(readFileSync(bodyFile, "utf8"), headerSig, process.env.PMS_SECRET)
console.log(ok ? "valid" : "invalid")
process.exit(ok ? 0 : 1)
