"use client";
// "5 min ago" that keeps itself current; the full date and time are in the tooltip.
import { formatDate, formatRelative } from "@/app/lib/format";
import { useNow } from "@/app/lib/use-now";

export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow();
  return (
    <time className={className} dateTime={iso} title={new Date(iso).toUTCString()}>
      {now === null ? formatDate(iso) : formatRelative(iso, now)}
    </time>
  );
}
