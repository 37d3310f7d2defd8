"use client";
// The header's "post a photo" button: a link to /new.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { NEW_POST_PATH } from "@/shared/routes";
import { PlusSquareIcon } from "../icons";

export function NewPostLink() {
  return (
    <Link
      href={NEW_POST_PATH}
      className="icon-button"
      data-testid="new-post-link"
      aria-label="Post a photo"
      title="Post a photo"
      aria-current={usePathname() === NEW_POST_PATH ? "page" : undefined}
    >
      <PlusSquareIcon />
    </Link>
  );
}
