// The one place that makes a URL safe to print or store: user names, passwords and tokens in query
// strings are removed. Every message, commit and metadata file that may hold a URL goes through it.

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi;
/** Query parameters that carry credentials on the hosting services we know of, and generic ones. */
const SECRET_PARAM = /([?&](?:access_token|private_token|token|auth|key|api_key|apikey|password|passwd|pwd|secret|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|code)=)[^&#\s'"]*/gi;

/** The text with credentials removed from every URL in it. */
export function redactUrl(text: string): string {
  return text.replace(USERINFO, '$1').replace(SECRET_PARAM, '$1REDACTED');
}
