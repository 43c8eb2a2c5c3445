/** Line icons drawn here, so the page needs no icon font and no emoji font (many Linux machines have none). */
const path = (d: string) => (
  <svg
    viewBox="0 0 24 24"
    width="22"
    height="22"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
  >
    <path d={d} />
  </svg>
);

export const AttachIcon = () => path('M21 11.5l-8.5 8.5a5 5 0 01-7-7l9-9a3.5 3.5 0 015 5l-9 9a2 2 0 01-3-3l8-8');
export const MicIcon = () => path('M12 3a3 3 0 00-3 3v6a3 3 0 006 0V6a3 3 0 00-3-3zM5 11a7 7 0 0014 0M12 18v3');
export const SendIcon = () => path('M4 12l16-8-6 16-2-7-8-1z');
export const StopIcon = () => path('M7 7h10v10H7z');
