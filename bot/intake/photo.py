"""From a phone photo to a flat, upright, evenly lit picture of the document (OpenCV).

What people send: the card on a table, a little skewed or seen from one side, under a lamp,
sometimes upside down or turned by 90°. `find_document` crops and straightens the document,
`even_light` removes the light gradient, `quality_problems` says why a photo cannot be read
(blurred, reflections, dark, cut).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

WORK_LONG_SIDE = 1600  # the document is read at about this size
_ANALYSIS_LONG_SIDE = 900


def to_gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


def scaled(gray: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    height, width = gray.shape
    factor = long_side / max(height, width)
    if factor >= 1:
        return gray, 1.0
    size = (round(width * factor), round(height * factor))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), factor


def _order(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(sums)],
            points[np.argmin(diffs)],
            points[np.argmax(sums)],
            points[np.argmax(diffs)],
        ],
        dtype=np.float32,
    )


def _document_quad(small: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """The document's four corners in `small`, and whether it touches the photo's border."""
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = np.ones((9, 9), np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None, False
    height, width = small.shape
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if area < 0.12 * width * height or area > 0.93 * width * height:
        return None, False  # nothing stands out, or the document fills the photo
    x, y, w, h = cv2.boundingRect(contour)
    margin = 3
    touches = x <= margin or y <= margin or x + w >= width - margin or y + h >= height - margin
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) == 4:
        return _order(approx.reshape(4, 2).astype(np.float32)), touches
    box = cv2.boxPoints(cv2.minAreaRect(hull))
    return _order(box.astype(np.float32)), touches


def find_document(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """The document cut out and straightened (long side about WORK_LONG_SIDE), and `touches`.

    When the document fills the photo (a scan, a screenshot) the whole photo is kept.
    """
    small, factor = scaled(gray, _ANALYSIS_LONG_SIDE)
    quad, touches = _document_quad(small)
    if quad is None:
        fitted, _ = scaled(gray, WORK_LONG_SIDE)
        return fitted, False
    quad = quad / factor
    top = np.linalg.norm(quad[1] - quad[0])
    bottom = np.linalg.norm(quad[2] - quad[3])
    left = np.linalg.norm(quad[3] - quad[0])
    right = np.linalg.norm(quad[2] - quad[1])
    width, height = max(top, bottom), max(left, right)
    scale = min(1.0, WORK_LONG_SIDE / max(width, height)) if max(width, height) > 0 else 1.0
    if max(width, height) * scale < WORK_LONG_SIDE * 0.8:
        scale = WORK_LONG_SIDE / max(width, height)  # small in the frame: enlarge a little
    out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(gray, matrix, (out_w, out_h), flags=cv2.INTER_AREA), touches


def rotate_quarter(gray: np.ndarray, degrees: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    return gray if degrees % 360 == 0 else cv2.rotate(gray, codes[degrees % 360])


def _text_mask(gray: np.ndarray) -> np.ndarray:
    """Dark strokes of a small copy (1 = ink), for the row-profile measures below."""
    small, _ = scaled(gray, 480)
    _, binary = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary


def _row_profile(binary: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    """(angle, sharpness) of the rotation within `angles` at which the ink's rows line up best:
    text lines give a row profile of sharp peaks and gaps, a high variance."""
    height, width = binary.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(binary, matrix, (width, height), flags=cv2.INTER_NEAREST)
        return float(np.var(turned.sum(axis=1, dtype=np.float64))) / (width * width)

    best = max(angles, key=sharpness)
    return float(best), sharpness(best)


_COARSE_ANGLES = np.arange(-15.0, 15.5, 1.5)


def text_direction(gray: np.ndarray) -> float:
    """How much more the ink lines up in rows than in columns (> 1: the text runs across, the
    picture is upright or upside down; < 1: it runs up or down, turned by 90°). About 25 ms."""
    small, _ = scaled(gray, 480)
    binary = _text_mask(even_light(small))
    _, across = _row_profile(binary, _COARSE_ANGLES)
    _, down = _row_profile(np.ascontiguousarray(binary.T), _COARSE_ANGLES)
    return across / down if down > 0 else float("inf") if across > 0 else 1.0


def deskew(gray: np.ndarray) -> np.ndarray:
    """Straighten small residual tilts (up to ±15°): the angle at which the text's rows line up
    best (the sharpest row profile of a small copy)."""
    binary = _text_mask(gray)
    coarse, _ = _row_profile(binary, _COARSE_ANGLES)
    angle, _ = _row_profile(binary, np.arange(coarse - 1.0, coarse + 1.01, 0.25))
    if abs(angle) < 0.4:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), float(angle), 1.0)
    return cv2.warpAffine(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def even_light(gray: np.ndarray) -> np.ndarray:
    """Divide by the blurred background: a lamp on one side no longer darkens the other."""
    height, width = gray.shape
    # The background is smooth: estimate it on a small copy (a large blur at full size is slow).
    small = cv2.resize(
        gray, (max(1, width // 8), max(1, height // 8)), interpolation=cv2.INTER_AREA
    )
    small = cv2.dilate(small, np.ones((3, 3), np.uint8))  # text strokes out of the background
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=max(small.shape) / 30)
    background = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=235)


def quality_problems(gray: np.ndarray, touches_border: bool) -> list[str]:
    """Why a picture may be unreadable: "sfocata", "riflessi", "scura", "tagliata"."""
    problems = []
    small, _ = scaled(gray, 1000)
    sharpness = cv2.Laplacian(small, cv2.CV_64F).var()
    if sharpness < 60:
        problems.append("sfocata")
    saturated = float((small >= 253).mean())
    if saturated > 0.15:
        problems.append("riflessi")
    if float(small.mean()) < 60:
        problems.append("scura")
    if touches_border:
        problems.append("tagliata")
    return problems


def binarise(gray: np.ndarray) -> np.ndarray:
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    _, binary = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


def ink_ratio(gray: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of dark stroke pixels inside `box` (printed frame lines excluded)."""
    x0, y0, x1, y1 = box
    height, width = gray.shape
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, x1), min(height, y1)
    if x1 - x0 < 10 or y1 - y0 < 10:
        return 0.0
    region = gray[y0:y1, x0:x1]
    # Drop a border band where a printed frame or a line would be.
    pad_y, pad_x = max(2, (y1 - y0) // 12), max(2, (x1 - x0) // 30)
    region = region[pad_y:-pad_y, pad_x:-pad_x]
    if region.size == 0:
        return 0.0
    threshold = min(150, float(np.median(region)) - 60)
    dark = region < threshold
    # Long horizontal or vertical printed lines are not ink.
    rows = dark.mean(axis=1) > 0.6
    cols = dark.mean(axis=0) > 0.6
    dark[rows, :] = False
    dark[:, cols] = False
    return float(dark.mean())
