/**
 * Saves data under a file name: a blob: link (which the CSP allows), clicked once. Used for the
 * statistics' CSV, the studio's ZIP export and a department's material downloads.
 */
export function saveFile(data: Blob, fileName: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click has started the download; the URL can go once the event loop has moved on.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
