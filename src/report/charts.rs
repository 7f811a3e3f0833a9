//! Charts drawn with plotters: trend lines with interval bands, horizontal
//! grouped bars with interval whiskers, and a heat map that marks cells too
//! uncertain to colour. Each chart is drawn to SVG (inlined in the HTML)
//! and to PNG with the DejaVu Sans font bundled in the binary, so no system
//! font or fontconfig is needed.
//!
//! Colours are the Okabe–Ito palette, distinguishable with the common forms
//! of colour blindness; lines also differ by marker shape, so no meaning is
//! carried by colour alone.

use super::data::Estimate;
use super::i18n::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

const FONT: &str = "sans-serif";
static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green,
/// vermillion, reddish purple, sky blue, black, yellow.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

const GRID: RGBColor = RGBColor(225, 225, 225);
const TEXT: RGBColor = RGBColor(40, 40, 40);
const UNCERTAIN: RGBColor = RGBColor(200, 200, 200);
/// Panels in a row of small multiples, and each panel's height in pixels.
const PANEL_COLUMNS: usize = 3;
const PANEL_HEIGHT: u32 = 230;
/// Height of the title and period above a standalone PNG.
const PNG_HEADER: u32 = 56;

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled fonts are valid TrueType; a failure here is a build defect.
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_REGULAR)
            .unwrap_or_else(|_| panic!("bundled font DejaVuSans.ttf is unreadable"));
        plotters::style::register_font(FONT, FontStyle::Bold, FONT_BOLD)
            .unwrap_or_else(|_| panic!("bundled font DejaVuSans-Bold.ttf is unreadable"));
    });
}

/// How a chart's values read.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Unit {
    People,
    Dollars,
    Share,
}

impl Unit {
    pub fn format(self, lang: Lang, v: f64) -> String {
        match self {
            Unit::People => lang.int(v),
            Unit::Dollars => lang.dollars(v),
            Unit::Share => lang.pct(v),
        }
    }

    /// Axis ticks: compact for large amounts.
    fn tick(self, lang: Lang, v: f64) -> String {
        match self {
            // "$5.0M" in English, "5,0 M$" in French: from the catalogues.
            Unit::Dollars if v.abs() >= 1e6 => {
                lang.fill("tick_millions", &[("n", lang.dec(v / 1e6, 1))])
            }
            Unit::Dollars if v.abs() >= 1e3 => {
                lang.fill("tick_thousands", &[("n", lang.int(v / 1e3))])
            }
            _ => self.format(lang, v),
        }
    }
}

/// One line or one set of bars.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Series {
    pub name: String,
    /// One per x label (line) or per category (bars); None where nothing was released.
    pub points: Vec<Option<Estimate>>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub enum Kind {
    /// x labels are quarters; each series a line with its interval band.
    Line,
    /// x labels are quarters; each series a line in its own small panel, on
    /// one shared scale (for series whose bands would overlap in one plot).
    Panels,
    /// x labels are categories; each series a bar with whiskers.
    Bars,
    /// x labels are columns, series are rows; values are shares, coloured unless too uncertain.
    Heat { max_half_width: f64 },
}

/// A chart and the data behind it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub alt: String,
    pub axis: String,
    pub unit: Unit,
    pub kind: Kind,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// The message id an absent point reads as: `no_data` where nothing was
    /// released, `too_few` where a share's or ratio's denominator is too
    /// small to divide by.
    pub none_reads: &'static str,
    /// The period the chart covers, printed under the title of its PNG.
    pub period: String,
}

/// Drawn where a figure is withheld by disclosure control (Statistics
/// Canada's symbol for a figure suppressed for confidentiality).
pub const SUPPRESSED_MARK: &str = "x";

type Res = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

fn style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&TEXT)
}

fn nice_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = lo.min(0.0);
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let pad = (hi - lo) * 0.06;
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

/// What is drawn and printed for an estimate: (value, low, high). People,
/// dollars and beds cannot be negative, so a negative noisy value is shown as
/// 0 and its interval is cut at 0 (a share at [0, 1]): the true value lies in
/// the cut interval whenever it lies in the whole one, so coverage is kept.
/// Display only: totals, changes and findings use the unclamped values.
pub fn shown(unit: Unit, e: Estimate) -> (f64, f64, f64) {
    let cut = |v: f64| match unit {
        Unit::Share => v.clamp(0.0, 1.0),
        Unit::People | Unit::Dollars => v.max(0.0),
    };
    (cut(e.value), cut(e.lo()), cut(e.hi()))
}

impl Chart {
    fn extent(&self) -> (f64, f64) {
        let all = self.series.iter().flat_map(|s| s.points.iter().flatten());
        let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(lo, hi), e| {
            let (_, l, h) = shown(self.unit, *e);
            (lo.min(l), hi.max(h))
        });
        if lo > hi { (0.0, 1.0) } else { (lo, hi) }
    }

    /// Pixel size of the drawing.
    pub fn size(&self) -> (u32, u32) {
        match self.kind {
            Kind::Line => (900, 440 + self.note_height()),
            Kind::Panels => {
                let rows = self.series.len().div_ceil(PANEL_COLUMNS).max(1) as u32;
                (900, rows * PANEL_HEIGHT + 10 + self.note_height())
            }
            Kind::Bars => {
                let per = self.series.len() as u32 * 13 + 12;
                (
                    900,
                    90 + self.labels.len() as u32 * per
                        + 20 * self.series.len() as u32
                        + self.note_height(),
                )
            }
            Kind::Heat { .. } => (
                900,
                150 + self.series.len() as u32 * 34 + self.note_height(),
            ),
        }
    }

    /// Whether a figure of the chart is withheld by disclosure control.
    fn has_suppressed(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.points.iter().flatten().any(|e| e.is_suppressed()))
    }

    /// Room for the line under the chart that says what the mark of a withheld figure means.
    fn note_height(&self) -> u32 {
        match self.has_suppressed() {
            true => 24,
            false => 0,
        }
    }

    /// The chart as an SVG document.
    pub fn svg(&self, lang: Lang) -> Result<String, String> {
        register_fonts();
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, self.size()).into_drawing_area();
            self.draw(&root, lang)?;
            root.present().map_err(err)?;
        }
        Ok(buf)
    }

    /// The chart as a PNG file: a standalone picture, so it carries its
    /// title and period above the drawing (the HTML gives them around it).
    pub fn png(&self, lang: Lang, path: &Path) -> Res {
        register_fonts();
        let (w, h) = self.size();
        let lines = wrap(&self.title, 84);
        let header = PNG_HEADER + 22 * (lines.len() as u32).saturating_sub(1);
        let root = BitMapBackend::new(path, (w, h + header)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (head, body) = root.split_vertically(header);
        for (i, line) in lines.into_iter().enumerate() {
            head.draw(&Text::new(
                line,
                (16, 10 + 22 * i as i32),
                (FONT, 16, FontStyle::Bold).into_font().color(&TEXT),
            ))
            .map_err(err)?;
        }
        head.draw(&Text::new(
            self.period.clone(),
            (16, header as i32 - 22),
            style(13),
        ))
        .map_err(err)?;
        self.draw(&body, lang)?;
        root.present().map_err(err)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, lang: Lang) -> Res {
        root.fill(&WHITE).map_err(err)?;
        let (root, note) = match self.has_suppressed() {
            true => {
                let (_, h) = root.dim_in_pixel();
                let (body, note) = root.split_vertically(h as i32 - self.note_height() as i32);
                (body, Some(note))
            }
            false => (root.clone(), None),
        };
        match self.kind {
            Kind::Line => self.draw_lines(&root, lang)?,
            Kind::Panels => self.draw_panels(&root, lang)?,
            Kind::Bars => self.draw_bars(&root, lang)?,
            Kind::Heat { max_half_width } => self.draw_heat(&root, lang, max_half_width)?,
        }
        if let Some(note) = note {
            // The mark of a withheld figure, in words, at the chart itself.
            note.draw(&Text::new(
                lang.fill("chart_suppressed_key", &[("mark", SUPPRESSED_MARK.into())]),
                (16, 4),
                style(12),
            ))
            .map_err(err)?;
        }
        Ok(())
    }

    fn draw_lines<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, lang: Lang) -> Res {
        let (lo, hi) = self.extent();
        let places = legend_places(root, &self.series)?;
        let legend_rows = places.last().map_or(0, |p| p.1 + 1);
        let (_, h) = root.dim_in_pixel();
        let (plot, legend) = root.split_vertically(h as i32 - 24 * legend_rows - 8);
        let all: Vec<(usize, &Series)> = self.series.iter().enumerate().collect();
        self.plot_lines(&plot, lang, &all, nice_range(lo, hi), false)?;
        draw_legend(&legend, &self.series, &places, false)
    }

    /// One small panel per series, on one shared scale, titled by the series.
    fn draw_panels<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, lang: Lang) -> Res {
        let (lo, hi) = self.extent();
        let range = nice_range(lo, hi);
        let rows = self.series.len().div_ceil(PANEL_COLUMNS).max(1);
        let (_, h) = root.dim_in_pixel();
        let (grid, _) = root.split_vertically(h as i32 - 10);
        let panels = grid.split_evenly((rows, PANEL_COLUMNS));
        for ((s, series), panel) in self.series.iter().enumerate().zip(&panels) {
            let (head, plot) = panel.split_vertically(22);
            head.draw(&Text::new(
                series.name.clone(),
                (70, 4),
                (FONT, 14, FontStyle::Bold).into_font().color(&TEXT),
            ))
            .map_err(err)?;
            self.plot_lines(&plot, lang, &[(s, series)], range, true)?;
        }
        Ok(())
    }

    /// Lines with their interval bands on one plot area. A withheld figure
    /// breaks its line and is marked at the foot of the plot; a compact
    /// plot (a panel) labels only its first and last quarter.
    fn plot_lines<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        lang: Lang,
        series: &[(usize, &Series)],
        (y0, y1): (f64, f64),
        compact: bool,
    ) -> Res {
        let n = self.labels.len().max(1) as f64;
        let mut chart = ChartBuilder::on(plot)
            .margin_top(14)
            .margin_right(24)
            .x_label_area_size(34)
            .y_label_area_size(if compact { 64 } else { 86 })
            .build_cartesian_2d(-0.3..(n - 0.7), y0..y1)
            .map_err(err)?;
        let unit = self.unit;
        let axis = match compact {
            true => "",
            false => self.axis.as_str(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(if compact { 4 } else { 6 })
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .y_desc(axis)
            .axis_desc_style(style(14))
            .label_style(style(13))
            .y_label_formatter(&|v| unit.tick(lang, *v))
            .draw()
            .map_err(err)?;
        let last = self.labels.len().saturating_sub(1);
        for (i, label) in self.labels.iter().enumerate() {
            if compact && i != 0 && i != last {
                continue;
            }
            let (x, y) = pixel(plot, chart.backend_coord(&(i as f64, y0)));
            // A panel's two labels stay inside it.
            let (x, h) = match (compact, i == last) {
                (true, false) => (x - 10, HPos::Left),
                (true, true) => (x + 10, HPos::Right),
                (false, _) => (x, HPos::Center),
            };
            plot.draw(&Text::new(
                label.clone(),
                (x, y + 8),
                style(13).pos(Pos::new(h, VPos::Top)),
            ))
            .map_err(err)?;
        }
        for (k, &(s, series)) in series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            // Contiguous runs of released points: a gap in the data is a gap
            // in the line; a withheld figure is a gap with its mark.
            let mut runs: Vec<Vec<(f64, Estimate)>> = vec![Vec::new()];
            for (i, p) in series.points.iter().enumerate() {
                match p {
                    Some(e) if e.is_suppressed() => {
                        runs.push(Vec::new());
                        let (x, y) = pixel(plot, chart.backend_coord(&(i as f64, y0)));
                        plot.draw(&Text::new(
                            SUPPRESSED_MARK,
                            (x + 9 * k as i32 - 4, y - 4),
                            (FONT, 15, FontStyle::Bold)
                                .into_font()
                                .color(&colour)
                                .pos(Pos::new(HPos::Left, VPos::Bottom)),
                        ))
                        .map_err(err)?;
                    }
                    Some(e) => runs.last_mut().expect("one run").push((i as f64, *e)),
                    None => runs.push(Vec::new()),
                }
            }
            let unit = self.unit;
            let lo = |e: &Estimate| shown(unit, *e).1;
            let hi = |e: &Estimate| shown(unit, *e).2;
            let value = |e: &Estimate| shown(unit, *e).0;
            for run in runs.iter().filter(|r| !r.is_empty()) {
                let mut band: Vec<(f64, f64)> = run.iter().map(|(x, e)| (*x, hi(e))).collect();
                band.extend(run.iter().rev().map(|(x, e)| (*x, lo(e))));
                if run.len() > 1 {
                    chart
                        .draw_series(std::iter::once(Polygon::new(band, colour.mix(0.16))))
                        .map_err(err)?;
                } else {
                    let (x, e) = run[0];
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, lo(&e)), (x, hi(&e))],
                            colour.stroke_width(2),
                        )))
                        .map_err(err)?;
                }
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        run.iter().map(|(x, e)| (*x, value(e))).collect::<Vec<_>>(),
                        colour.stroke_width(2),
                    )))
                    .map_err(err)?;
                for (x, e) in run {
                    let c = pixel(plot, chart.backend_coord(&(*x, value(e))));
                    marker(plot, s, c, colour)?;
                }
            }
        }
        Ok(())
    }

    fn draw_bars<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, lang: Lang) -> Res {
        let (w, h) = root.dim_in_pixel();
        let (lo, hi) = self.extent();
        let (x0, x1) = nice_range(lo, hi);
        let rows = self.labels.len().max(1) as f64;
        let k = self.series.len().max(1) as f64;
        let places = legend_places(root, &self.series)?;
        let legend_h = 22 * places.last().map_or(0, |p| p.1 + 1) + 10;
        let (plot, legend) = root.split_vertically(h as i32 - legend_h);
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(10)
            .margin_right(30)
            .x_label_area_size(44)
            .y_label_area_size(label_width(root, &self.labels, w)?)
            .build_cartesian_2d(x0..x1, 0.0..rows)
            .map_err(err)?;
        let unit = self.unit;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(self.axis.as_str())
            .axis_desc_style(style(14))
            .label_style(style(13))
            .x_label_formatter(&|v| unit.tick(lang, *v))
            .draw()
            .map_err(err)?;
        for (i, label) in self.labels.iter().enumerate() {
            // First category at the top.
            let y = rows - i as f64 - 0.5;
            let (x, py) = pixel(&plot, chart.backend_coord(&(x0, y)));
            plot.draw(&Text::new(
                label.clone(),
                (x - 8, py),
                style(13).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
            let band = 0.8 / k;
            for (s, series) in self.series.iter().enumerate() {
                let colour = PALETTE[s % PALETTE.len()];
                let top = rows - i as f64 - 0.1 - s as f64 * band;
                let bottom = top - band * 0.9;
                let mid = (top + bottom) / 2.0;
                match series.points.get(i).copied().flatten() {
                    Some(e) if e.is_suppressed() => {
                        let (px, py) = pixel(&plot, chart.backend_coord(&(0.0, mid)));
                        plot.draw(&Text::new(
                            SUPPRESSED_MARK,
                            (px + 4, py),
                            (FONT, 14, FontStyle::Bold)
                                .into_font()
                                .color(&colour)
                                .pos(Pos::new(HPos::Left, VPos::Center)),
                        ))
                        .map_err(err)?;
                    }
                    Some(e) => {
                        let (value, lo, hi) = shown(self.unit, e);
                        chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [(0.0, bottom), (value, top)],
                                colour.filled(),
                            )))
                            .map_err(err)?;
                        let whisker = BLACK.stroke_width(1);
                        let cap = band * 0.25;
                        chart
                            .draw_series([
                                PathElement::new(vec![(lo, mid), (hi, mid)], whisker),
                                PathElement::new(vec![(lo, mid - cap), (lo, mid + cap)], whisker),
                                PathElement::new(vec![(hi, mid - cap), (hi, mid + cap)], whisker),
                            ])
                            .map_err(err)?;
                    }
                    None => {
                        let (px, py) = pixel(&plot, chart.backend_coord(&(0.0, mid)));
                        plot.draw(&Text::new(
                            lang.t(self.none_reads),
                            (px + 4, py),
                            style(11).pos(Pos::new(HPos::Left, VPos::Center)),
                        ))
                        .map_err(err)?;
                    }
                }
            }
        }
        draw_legend(&legend, &self.series, &places, true)
    }

    fn draw_heat<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
        max_half_width: f64,
    ) -> Res {
        let cols = self.labels.len().max(1) as f64;
        let rows = self.series.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .margin_top(40)
            .margin_right(20)
            .margin_bottom(56)
            .x_label_area_size(0)
            .y_label_area_size(170)
            .build_cartesian_2d(0.0..cols, 0.0..rows)
            .map_err(err)?;
        for (j, label) in self.labels.iter().enumerate() {
            let (x, y) = pixel(root, chart.backend_coord(&(j as f64 + 0.5, rows)));
            root.draw(&Text::new(
                label.clone(),
                (x, y - 8),
                style(13).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))
            .map_err(err)?;
        }
        for (i, row) in self.series.iter().enumerate() {
            let y = rows - i as f64 - 1.0;
            let (x, py) = pixel(root, chart.backend_coord(&(0.0, y + 0.5)));
            root.draw(&Text::new(
                row.name.clone(),
                (x - 8, py),
                style(13).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
            for (j, p) in row.points.iter().enumerate() {
                let x = j as f64;
                let cell = [(x + 0.03, y + 0.06), (x + 0.97, y + 0.94)];
                let centre = pixel(root, chart.backend_coord(&(x + 0.5, y + 0.5)));
                let (fill, text, text_colour) = match p {
                    Some(e) if e.is_suppressed() => (WHITE, SUPPRESSED_MARK.to_string(), BLACK),
                    Some(e) if e.half_width <= max_half_width => {
                        let c = sequential(e.value);
                        let dark = e.value > 0.55;
                        (c, lang.pct(e.value), if dark { WHITE } else { BLACK })
                    }
                    Some(_) => (UNCERTAIN, "?".to_string(), BLACK),
                    None => (WHITE, "–".to_string(), BLACK),
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(cell, fill.filled())))
                    .map_err(err)?;
                root.draw(&Text::new(
                    text,
                    centre,
                    style(11)
                        .color(&text_colour)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(err)?;
            }
        }
        let (_, h) = root.dim_in_pixel();
        let foot = h as i32 - 18;
        root.draw(&Text::new(
            format!(
                "? = {}    – = {}",
                lang.t("too_uncertain"),
                lang.t(self.none_reads)
            ),
            (180, foot),
            style(12).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        // The colour scale, 0% to 100%, so a cell's colour can be read off.
        let (x0, width) = (560, 260);
        for step in 0..width {
            let colour = sequential(step as f64 / width as f64);
            root.draw(&Rectangle::new(
                [(x0 + step, foot - 7), (x0 + step + 1, foot + 7)],
                colour.filled(),
            ))
            .map_err(err)?;
        }
        for (at, v) in [(0, 0.0), (width / 2, 0.5), (width, 1.0)] {
            root.draw(&Text::new(
                lang.pct(v),
                (x0 + at, foot - 9),
                style(11).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))
            .map_err(err)?;
        }
        Ok(())
    }
}

/// Whether lines would tangle in one plot: four or more series, and in
/// more than a quarter of the (pair of series, quarter) places both are
/// released, their intervals overlap. Such a trend is drawn as small
/// multiples instead.
pub fn tangled(series: &[Series]) -> bool {
    if series.len() < 4 {
        return false;
    }
    let (mut pairs, mut overlapping) = (0, 0);
    for (i, a) in series.iter().enumerate() {
        for b in &series[i + 1..] {
            for (p, q) in a.points.iter().zip(&b.points) {
                let (Some(p), Some(q)) = (p, q) else { continue };
                if p.is_suppressed() || q.is_suppressed() {
                    continue;
                }
                pairs += 1;
                if p.lo() <= q.hi() && q.lo() <= p.hi() {
                    overlapping += 1;
                }
            }
        }
    }
    pairs > 0 && overlapping * 4 > pairs
}

/// `text` broken at spaces into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// A backend pixel (where the chart's coordinates map to) as a pixel of
/// `area`, which may not start at the backend's origin (a panel, or the body
/// of a PNG under its title).
fn pixel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32)) -> (i32, i32) {
    let (bx, by) = area.get_base_pixel();
    (x - bx, y - by)
}

/// Marker shapes by series: circle, triangle, square, diamond, cross, repeated.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: usize,
    (x, y): (i32, i32),
    colour: RGBColor,
) -> Res {
    let s: i32 = 4;
    let fill = colour.filled();
    match series % 5 {
        0 => area.draw(&Circle::new((x, y), s as u32, fill)),
        1 => area.draw(&Polygon::new(
            vec![(x, y - s - 1), (x - s - 1, y + s), (x + s + 1, y + s)],
            fill,
        )),
        2 => area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], fill)),
        3 => area.draw(&Polygon::new(
            vec![
                (x, y - s - 1),
                (x + s + 1, y),
                (x, y + s + 1),
                (x - s - 1, y),
            ],
            fill,
        )),
        _ => area.draw(&Cross::new((x, y), s as u32, colour.stroke_width(2))),
    }
    .map_err(err)
}

/// The width the bars' category labels need (the longest, and a margin),
/// at least 260 pixels and at most half the chart, so a long French label
/// is not cut at the left edge.
fn label_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    chart_width: u32,
) -> Result<u32, String> {
    let mut widest = 0;
    for label in labels {
        let (w, _) = area.estimate_text_size(label, &style(13)).map_err(err)?;
        widest = widest.max(w);
    }
    Ok((widest + 20).clamp(260, chart_width / 2))
}

/// Where each legend entry goes, as (x, row): entries flow left to right
/// at the width their label needs and wrap at the chart's width, so a long
/// label (a pair of agency kinds, a French name) never runs into the next.
fn legend_places<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
) -> Result<Vec<(i32, i32)>, String> {
    const LEFT: i32 = 90;
    const GAP: i32 = 28;
    let right = area.dim_in_pixel().0 as i32 - 10;
    let (mut x, mut row) = (LEFT, 0);
    let mut places = Vec::with_capacity(series.len());
    for item in series {
        let (text, _) = area
            .estimate_text_size(&item.name, &style(13))
            .map_err(err)?;
        let width = 32 + text as i32;
        if x > LEFT && x + width > right {
            (x, row) = (LEFT, row + 1);
        }
        places.push((x, row));
        x += width + GAP;
    }
    Ok(places)
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    places: &[(i32, i32)],
    bars: bool,
) -> Res {
    for ((s, item), &(x, row)) in series.iter().enumerate().zip(places) {
        let colour = PALETTE[s % PALETTE.len()];
        let y = 10 + row * 22;
        if bars {
            area.draw(&Rectangle::new(
                [(x + 4, y - 7), (x + 20, y + 7)],
                colour.filled(),
            ))
            .map_err(err)?;
        } else {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 24, y)],
                colour.stroke_width(2),
            ))
            .map_err(err)?;
            marker(area, s, (x + 12, y), colour)?;
        }
        area.draw(&Text::new(
            item.name.clone(),
            (x + 32, y),
            style(13).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// A colour-blind-safe sequential scale for a share in [0, 1] (viridis anchors).
pub fn sequential(v: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (253, 231, 37),
        (94, 201, 98),
        (33, 145, 140),
        (59, 82, 139),
        (68, 1, 84),
    ];
    let t = v.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(value: f64, half_width: f64) -> Option<Estimate> {
        Some(Estimate { value, half_width })
    }

    #[test]
    fn a_line_chart_draws_its_band_and_its_labels_in_svg_and_png() {
        let chart = Chart {
            id: "t".into(),
            title: "t".into(),
            alt: "t".into(),
            axis: "People".into(),
            unit: Unit::People,
            kind: Kind::Line,
            labels: vec!["2024 Q1".into(), "2024 Q2".into(), "2024 Q3".into()],
            series: vec![Series {
                name: "Everyone".into(),
                points: vec![e(10.0, 2.0), None, e(14.0, 2.0)],
            }],
            none_reads: "no_data",
            period: "2024 Q1 – 2024 Q3".into(),
        };
        let svg = chart.svg(Lang::En).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("2024 Q3") && svg.contains("Everyone"));
        assert!(svg.contains("<polyline") || svg.contains("<path"));
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("t.png");
        chart.png(Lang::Fr, &png).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }

    /// Legend entries never overlap: each starts past the end of the one
    /// before it on its row, and none runs past the chart's right edge.
    #[test]
    fn legend_entries_flow_without_overlap_and_wrap_at_the_edge() {
        let names = [
            "Plus d'un organisme",
            "organisme d'établissement et groupe de travailleurs migrants",
            "hébergement et intervention de proximité",
            "hébergement et service juridique",
            "a",
        ];
        let series: Vec<Series> = names
            .iter()
            .map(|n| Series {
                name: n.to_string(),
                points: Vec::new(),
            })
            .collect();
        let svg_text = &mut String::new();
        let root = SVGBackend::with_string(svg_text, (900, 440)).into_drawing_area();
        let places = legend_places(&root, &series).unwrap();
        let width = |n: &str| 32 + root.estimate_text_size(n, &style(13)).unwrap().0 as i32;
        for (i, (name, &(x, row))) in names.iter().zip(&places).enumerate() {
            assert!(x + width(name) <= 890, "{name} runs off the edge");
            if i > 0 && places[i - 1].1 == row {
                assert!(
                    x >= places[i - 1].0 + width(names[i - 1]),
                    "{name} overlaps"
                );
            }
        }
        assert!(
            places.last().unwrap().1 >= 1,
            "five long entries need two rows"
        );
    }

    #[test]
    fn the_sequential_scale_runs_light_to_dark() {
        let lum = |c: RGBColor| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        let steps: Vec<f64> = (0..=10).map(|i| lum(sequential(i as f64 / 10.0))).collect();
        assert!(steps.windows(2).all(|w| w[0] > w[1]), "{steps:?}");
    }
}
