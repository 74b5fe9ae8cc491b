//! The topology drawing's geometry, browser-free so it is tested natively: where the nodes of a
//! replication tree sit (left to right on a wide screen, top to bottom on a narrow one), where
//! a node box ends along a link (so flights ride between boxes, never over one), and how a
//! flight's label is shortened to the room it has. topology.rs draws what these return.

pub const W: f64 = 640.0;
/// The drawing's width on a narrow screen (a phone): drawn top to bottom at about 1 SVG unit
/// per CSS pixel, so its text keeps its CSS size (≥ 12 px).
pub const W_NARROW: f64 = 340.0;
pub const H: f64 = 340.0;
pub const NODE_W: f64 = 150.0;
pub const NODE_H: f64 = 70.0;
/// The width a flight label's character takes (monospace at the label's font size).
pub const LABEL_CHAR_W: f64 = 7.9;

/// Left to right: a column per depth (masters first), its nodes spread down the column.
/// Returns the centres by layout index, the drawing's height and its width.
pub fn places_wide(depth: &[usize]) -> (Vec<(f64, f64)>, f64, f64) {
    let columns = depth.iter().max().map_or(1, |d| d + 1);
    let rows = (0..columns).map(|c| depth.iter().filter(|&&d| d == c).count()).max().unwrap_or(1);
    let height = (rows as f64 * (NODE_H + 24.0) + 24.0).max(H);
    let mut seen = vec![0usize; columns];
    let places = depth
        .iter()
        .map(|&d| {
            let in_column = depth.iter().filter(|&&x| x == d).count();
            let row = seen[d];
            seen[d] += 1;
            let x = W * (d as f64 + 0.5) / columns as f64;
            let y = height * (row as f64 + 0.5) / in_column as f64;
            (x, y)
        })
        .collect();
    (places, height, W)
}

/// Top to bottom: depth d's nodes in rows of two, with room between rows for the messages.
pub fn places_narrow(depth: &[usize]) -> (Vec<(f64, f64)>, f64, f64) {
    const GAP: f64 = 130.0;
    let mut row_of = Vec::with_capacity(depth.len());
    let mut rows = 0usize;
    for d in 0..=depth.iter().copied().max().unwrap_or(0) {
        let members: Vec<usize> = (0..depth.len()).filter(|&i| depth[i] == d).collect();
        for (k, chunk) in members.chunks(2).enumerate() {
            for (j, &i) in chunk.iter().enumerate() {
                row_of.push((i, rows + k, j, chunk.len()));
            }
        }
        rows += members.len().div_ceil(2);
    }
    let mut places = vec![(0.0, 0.0); depth.len()];
    for (i, row, j, in_row) in row_of {
        let x = W_NARROW * (j as f64 + 0.5) / in_row as f64;
        places[i] = (x, 24.0 + NODE_H / 2.0 + row as f64 * (NODE_H + GAP));
    }
    let height = (rows.max(1) as f64 * (NODE_H + GAP) - GAP + 48.0).max(NODE_H + 48.0);
    (places, height, W_NARROW)
}

/// How far from a node's centre its box ends along the unit direction (ux, uy).
pub fn to_edge(ux: f64, uy: f64) -> f64 {
    let across = if ux.abs() > 1e-9 { NODE_W / 2.0 / ux.abs() } else { f64::INFINITY };
    let down = if uy.abs() > 1e-9 { NODE_H / 2.0 / uy.abs() } else { f64::INFINITY };
    across.min(down)
}

fn trim_label(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let head: String = label.chars().take(max - 1).collect();
        format!("{head}\u{2026}")
    }
}

/// `label (N B)` in at most `room` characters: the label is shortened (…), the size kept.
pub fn trim_bytes_label(label: &str, bytes: u64, room: usize) -> String {
    let size = format!(" ({bytes} B)");
    let keep = room.saturating_sub(size.chars().count()).clamp(4, 26);
    format!("{}{size}", trim_label(label, keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No two node boxes overlap, and every box lies inside the drawing.
    fn boxes_fit(places: &[(f64, f64)], height: f64, width: f64) {
        for (i, &(x, y)) in places.iter().enumerate() {
            assert!(x - NODE_W / 2.0 >= 0.0 && x + NODE_W / 2.0 <= width, "box {i} inside the width: {places:?}");
            assert!(y - NODE_H / 2.0 >= 0.0 && y + NODE_H / 2.0 <= height, "box {i} inside the height: {places:?}");
            for &(x2, y2) in &places[i + 1..] {
                assert!((x - x2).abs() >= NODE_W || (y - y2).abs() >= NODE_H, "boxes overlap: {places:?}");
            }
        }
    }

    #[test]
    fn trees_of_every_shape_fit_both_drawings() {
        for depth in [vec![0], vec![0, 1], vec![0, 1, 1], vec![0, 1, 1, 1, 1], vec![0, 1, 2, 3], vec![0, 0, 1, 1, 2]] {
            let (p, h, w) = places_narrow(&depth);
            assert_eq!(w, W_NARROW);
            boxes_fit(&p, h, w);
            // Top to bottom: a replica sits below its master's depth, with room for the messages.
            for (i, &d) in depth.iter().enumerate() {
                for (j, &e) in depth.iter().enumerate() {
                    if e > d {
                        assert!(p[j].1 - p[i].1 >= NODE_H + 100.0, "{depth:?}: depth {e} below depth {d}");
                    }
                }
            }
            let (p, h, w) = places_wide(&depth);
            boxes_fit(&p, h, w);
        }
    }

    #[test]
    fn a_box_edge_is_where_a_ray_from_the_centre_leaves_it() {
        assert_eq!(to_edge(1.0, 0.0), NODE_W / 2.0);
        assert_eq!(to_edge(0.0, -1.0), NODE_H / 2.0);
        // A diagonal leaves through the nearer side.
        let (ux, uy) = (0.8, 0.6);
        let t = to_edge(ux, uy);
        assert!(((ux * t).abs() - NODE_W / 2.0).abs() < 1e-9 || ((uy * t).abs() - NODE_H / 2.0).abs() < 1e-9);
        assert!((ux * t).abs() <= NODE_W / 2.0 + 1e-9 && (uy * t).abs() <= NODE_H / 2.0 + 1e-9);
    }

    #[test]
    fn a_label_fits_its_room_and_keeps_its_size() {
        assert_eq!(trim_bytes_label("PING", 14, 40), "PING (14 B)");
        let long = trim_bytes_label("REPLCONF listening-port 6380", 49, 20);
        assert_eq!(long.chars().count(), 20);
        assert!(long.ends_with("… (49 B)"), "{long}");
        // Never shorter than a few characters of the label, however small the room.
        assert!(trim_bytes_label("REPLCONF capa eof", 59, 3).starts_with("REP…"));
    }
}
