// Files go to the web process's upload API (the same for every channel):
//   POST <server>/api/conversations/<session>/uploads?purpose=&filename=   body: the file
//   with the session's token in the X-Conversation-Token header
// 200 accepted, 422 rejected (problems + the bot's replies), 413 too big, 503 Rasa down;
// every error answer carries an Italian "message".

const ACCEPTED_EXTENSIONS = ["pdf", "p7m", "jpg", "jpeg", "png"];
const ACCEPTED_TYPES = [
  "application/pdf",
  "application/pkcs7-mime",
  "application/x-pkcs7-mime",
  "image/jpeg",
  "image/png",
];
export const ACCEPT_ATTRIBUTE = ".pdf,.p7m,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

/** The Italian reason why the file can't be sent, or null: checked before any upload. */
export function precheck(file, maxBytes, strings) {
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  const typeOk = ACCEPTED_TYPES.includes(file.type) || ACCEPTED_EXTENSIONS.includes(extension);
  if (!typeOk) return strings.errorType;
  if (file.size === 0) return strings.errorEmpty;
  if (file.size > maxBytes) {
    return fill(strings.errorTooBig, { maxMb: Math.floor(maxBytes / 2 ** 20) });
  }
  return null;
}

/**
 * Sends one file; resolves to {status, body} (status 0: no connection). XMLHttpRequest
 * rather than fetch, for the upload progress; `onSent` once the whole file is on its way to
 * the server, which then checks it (seconds; longer while many doctors send files at once).
 */
export function uploadFile({ serverUrl, sessionId, token, file, purpose, onProgress, onSent }) {
  const params = new URLSearchParams({ filename: file.name });
  if (purpose) params.set("purpose", purpose);
  const url = `${serverUrl}/api/conversations/${encodeURIComponent(sessionId)}/uploads?${params}`;
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    if (token) xhr.setRequestHeader("X-Conversation-Token", token);
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    };
    xhr.upload.onload = () => onSent?.();
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText || "{}");
      } catch {
        body = {};
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ status: 0, body: {} });
    xhr.ontimeout = () => resolve({ status: 0, body: {} });
    xhr.timeout = 180_000;
    xhr.send(file);
  });
}

/** The outcome the widget shows: state, the Italian details, and the bot's replies. */
export function outcomeOf({ status, body }, strings) {
  const replies = Array.isArray(body.messages) ? body.messages : [];
  if (status === 200) return { state: "accepted", detail: [], replies };
  if (status === 422 && Array.isArray(body.problems)) {
    const detail = body.problems.map((p) => p.message).filter(Boolean);
    return { state: "rejected", detail, replies };
  }
  if (status === 0) return { state: "failed", detail: [strings.errorNetwork], replies, retry: true };
  const retry = status === 503 || status >= 500;
  const fallback = retry ? strings.errorServer : strings.errorType;
  return { state: "failed", detail: [body.message || fallback], replies, retry };
}

export { fill };
