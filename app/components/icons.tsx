// Inline SVG icons: no icon font, no network. All are decorative (aria-hidden); the button or
// link around them carries the accessible name.
import type { ReactNode } from "react";

type IconProps = { size?: number; className?: string };

/** An outline icon on a 24×24 grid, stroked in the text's colour: every icon here but the heart and the logo. */
export function LineIcon({
  size,
  className,
  strokeWidth = 1.8,
  roundJoins = true,
  children,
}: {
  size: number;
  className?: string;
  strokeWidth?: number;
  roundJoins?: boolean;
  children: ReactNode;
}) {
  return (
    <svg
      className={className}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin={roundJoins ? "round" : undefined}
    >
      {children}
    </svg>
  );
}

export function HeartIcon({ filled, size = 26, className }: IconProps & { filled: boolean }) {
  return (
    <svg className={className} width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M12 20.7l-1.3-1.2C5.9 15.2 3 12.6 3 9.3 3 6.7 5 4.7 7.6 4.7c1.5 0 2.9.7 3.8 1.8h1.2c.9-1.1 2.3-1.8 3.8-1.8C19 4.7 21 6.7 21 9.3c0 3.3-2.9 5.9-7.7 10.2L12 20.7z"
        fill={filled ? "currentColor" : "none"}
        stroke="currentColor"
        strokeWidth={filled ? 0 : 1.8}
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function BellIcon({ size = 24, className }: IconProps) {
  return (
    <LineIcon size={size} className={className}>
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15L6 16z" />
      <path d="M10 20.5a2 2 0 0 0 4 0" />
    </LineIcon>
  );
}

export function SignOutIcon({ size = 20, className }: IconProps) {
  return (
    <LineIcon size={size} className={className}>
      <path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4" />
      <path d="M10 16l-4-4 4-4" />
      <path d="M6 12h10" />
    </LineIcon>
  );
}

/** Sign out everywhere: every device, a screen and a phone. */
export function SignOutEverywhereIcon({ size = 20, className }: IconProps) {
  return (
    <LineIcon size={size} className={className}>
      <rect x="2" y="4" width="13" height="10" rx="1.5" />
      <path d="M6 18h5M8.5 14v4" />
      <rect x="17" y="8" width="5" height="11" rx="1.2" />
      <path d="M19.5 16.5h0" />
    </LineIcon>
  );
}

export function CloseIcon({ size = 16, className }: IconProps) {
  return (
    <LineIcon size={size} className={className} strokeWidth={2} roundJoins={false}>
      <path d="M6 6l12 12M18 6L6 18" />
    </LineIcon>
  );
}

/** The app's mark: a heart in a rounded square, same drawing as app/icon.svg. */
export function LogoMark({ size = 30, className }: IconProps) {
  return (
    <svg className={className} width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="logo-gradient" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#ff7a59" />
          <stop offset="0.55" stopColor="#f0325e" />
          <stop offset="1" stopColor="#b42fd6" />
        </linearGradient>
      </defs>
      <rect width="64" height="64" rx="16" fill="url(#logo-gradient)" />
      <path
        d="M32 49l-3.1-2.8C18.6 37 12 31 12 23.6 12 17.6 16.7 13 22.6 13c3.6 0 7 1.6 9.4 4.3 2.4-2.7 5.8-4.3 9.4-4.3C47.3 13 52 17.6 52 23.6c0 7.4-6.6 13.4-16.9 22.6L32 49z"
        fill="#fff"
      />
    </svg>
  );
}

export function PlusSquareIcon({ size = 24, className }: IconProps) {
  return (
    <LineIcon size={size} className={className}>
      <rect x="3.5" y="3.5" width="17" height="17" rx="5" />
      <path d="M12 8v8M8 12h8" />
    </LineIcon>
  );
}

export function ArrowUpIcon({ size = 16, className }: IconProps) {
  return (
    <LineIcon size={size} className={className} strokeWidth={2.2}>
      <path d="M12 19V5M6 11l6-6 6 6" />
    </LineIcon>
  );
}
