//! License names people write instead of SPDX ids: trove classifiers and free-form `License`
//! values, each mapped to an SPDX id, or marked ambiguous when the name does not say which
//! license it is.

/// What a license name means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// Exactly this SPDX expression.
    Spdx(&'static str),
    /// A family of licenses (`BSD License`: 0BSD, 2-clause, 3-clause…): someone must say which,
    /// with a clarification.
    Ambiguous,
    /// Not a license grant SPDX can name (`Public Domain`, `Other/Proprietary License`).
    NotSpdx,
}

use Meaning::{Ambiguous, NotSpdx, Spdx};

/// Trove `License ::` classifiers by their last segment (what pip-licenses prints), lowercase.
///
/// Decisions: `Apache Software License` is Apache-2.0 (1.0 and 1.1 are all but extinct on the
/// index, and every tool we match reads it so); `BSD License`, `GNU General Public License
/// (GPL)`, `GNU Library or Lesser General Public License (LGPL)`, `Artistic License`, `Zope
/// Public License`, `Academic Free License (AFL)` name families without a version or clause
/// count, so they stay ambiguous and need a clarification. `OSI Approved` and `DFSG approved`
/// alone are categories, not licenses, and are skipped before this table.
pub(crate) const CLASSIFIERS: &[(&str, Meaning)] = &[
    ("aladdin free public license (afpl)", Spdx("Aladdin")),
    (
        "cc0 1.0 universal (cc0 1.0) public domain dedication",
        Spdx("CC0-1.0"),
    ),
    (
        "cea cnrs inria logiciel libre license, version 2.1 (cecill-2.1)",
        Spdx("CECILL-2.1"),
    ),
    ("eiffel forum license (efl)", Ambiguous),
    ("free for non-commercial use", NotSpdx),
    ("free for educational use", NotSpdx),
    ("free to use but restricted", NotSpdx),
    ("freely distributable", NotSpdx),
    ("freeware", NotSpdx),
    ("gust font license 1.0", NotSpdx),
    ("gust font license 2006-09-30", NotSpdx),
    ("netscape public license (npl)", Ambiguous),
    ("nokia open source license (nokos)", Spdx("Nokia")),
    ("other/proprietary license", NotSpdx),
    ("public domain", NotSpdx),
    ("repoze public license", NotSpdx),
    ("academic free license (afl)", Ambiguous),
    ("apache software license", Spdx("Apache-2.0")),
    ("apple public source license", Ambiguous),
    ("artistic license", Ambiguous),
    ("attribution assurance license", Spdx("AAL")),
    (
        "blue oak model license (blueoak-1.0.0)",
        Spdx("BlueOak-1.0.0"),
    ),
    ("boost software license 1.0 (bsl-1.0)", Spdx("BSL-1.0")),
    ("bsd license", Ambiguous),
    (
        "common development and distribution license 1.0 (cddl-1.0)",
        Spdx("CDDL-1.0"),
    ),
    ("common public license", Spdx("CPL-1.0")),
    ("eclipse public license 1.0 (epl-1.0)", Spdx("EPL-1.0")),
    ("eclipse public license 2.0 (epl-2.0)", Spdx("EPL-2.0")),
    (
        "educational community license, version 2.0 (ecl-2.0)",
        Spdx("ECL-2.0"),
    ),
    ("eiffel forum license", Ambiguous),
    (
        "european union public licence 1.0 (eupl 1.0)",
        Spdx("EUPL-1.0"),
    ),
    (
        "european union public licence 1.1 (eupl 1.1)",
        Spdx("EUPL-1.1"),
    ),
    (
        "european union public licence 1.2 (eupl 1.2)",
        Spdx("EUPL-1.2"),
    ),
    (
        "gnu affero general public license v3",
        Spdx("AGPL-3.0-only"),
    ),
    (
        "gnu affero general public license v3 or later (agplv3+)",
        Spdx("AGPL-3.0-or-later"),
    ),
    ("gnu free documentation license (fdl)", Ambiguous),
    ("gnu general public license (gpl)", Ambiguous),
    (
        "gnu general public license v2 (gplv2)",
        Spdx("GPL-2.0-only"),
    ),
    (
        "gnu general public license v2 or later (gplv2+)",
        Spdx("GPL-2.0-or-later"),
    ),
    (
        "gnu general public license v3 (gplv3)",
        Spdx("GPL-3.0-only"),
    ),
    (
        "gnu general public license v3 or later (gplv3+)",
        Spdx("GPL-3.0-or-later"),
    ),
    (
        "gnu lesser general public license v2 (lgplv2)",
        Spdx("LGPL-2.0-only"),
    ),
    (
        "gnu lesser general public license v2 or later (lgplv2+)",
        Spdx("LGPL-2.0-or-later"),
    ),
    (
        "gnu lesser general public license v3 (lgplv3)",
        Spdx("LGPL-3.0-only"),
    ),
    (
        "gnu lesser general public license v3 or later (lgplv3+)",
        Spdx("LGPL-3.0-or-later"),
    ),
    (
        "gnu library or lesser general public license (lgpl)",
        Ambiguous,
    ),
    (
        "historical permission notice and disclaimer (hpnd)",
        Spdx("HPND"),
    ),
    ("intel open source license", Spdx("Intel")),
    ("isc license (iscl)", Spdx("ISC")),
    ("jabber open source license", NotSpdx),
    ("mit license", Spdx("MIT")),
    ("mit no attribution license (mit-0)", Spdx("MIT-0")),
    (
        "mitre collaborative virtual workspace license (cvw)",
        NotSpdx,
    ),
    ("microsoft public license", Spdx("MS-PL")),
    ("microsoft reciprocal license", Spdx("MS-RL")),
    ("motosoto license", Spdx("Motosoto")),
    ("mozilla public license 1.0 (mpl)", Spdx("MPL-1.0")),
    ("mozilla public license 1.1 (mpl 1.1)", Spdx("MPL-1.1")),
    ("mozilla public license 2.0 (mpl 2.0)", Spdx("MPL-2.0")),
    (
        "mulan permissive software license v2 (mulanpsl-2.0)",
        Spdx("MulanPSL-2.0"),
    ),
    ("nethack general public license", Spdx("NGPL")),
    ("open group test suite license", Spdx("OGTSL")),
    ("open software license 3.0 (osl-3.0)", Spdx("OSL-3.0")),
    ("postgresql license", Spdx("PostgreSQL")),
    ("python license (cnri python license)", Spdx("CNRI-Python")),
    ("python software foundation license", Spdx("PSF-2.0")),
    ("qt public license (qpl)", Spdx("QPL-1.0")),
    ("ricoh source code public license", Spdx("RSCPL")),
    ("sil open font license 1.1 (ofl-1.1)", Spdx("OFL-1.1")),
    ("sleepycat license", Spdx("Sleepycat")),
    ("sun industry standards source license (sissl)", Ambiguous),
    ("sun public license", Spdx("SPL-1.0")),
    ("the unlicense (unlicense)", Spdx("Unlicense")),
    ("universal permissive license (upl)", Spdx("UPL-1.0")),
    (
        "university of illinois/ncsa open source license",
        Spdx("NCSA"),
    ),
    ("vovida software license 1.0", Spdx("VSL-1.0")),
    ("w3c license", Spdx("W3C")),
    ("x.net license", Spdx("Xnet")),
    ("zero-clause bsd (0bsd)", Spdx("0BSD")),
    ("zlib/libpng license", Spdx("Zlib")),
    ("zope public license", Ambiguous),
];

/// Free-form `License` values seen in the wild that SPDX lax parsing does not read, lowercase.
const FREE_FORM: &[(&str, Meaning)] = &[
    ("the mit license", Spdx("MIT")),
    ("mit license (mit)", Spdx("MIT")),
    ("expat", Spdx("MIT")),
    ("expat license", Spdx("MIT")),
    ("apache license 2.0", Spdx("Apache-2.0")),
    ("apache license, version 2.0", Spdx("Apache-2.0")),
    ("apache license version 2.0", Spdx("Apache-2.0")),
    ("apache software license 2.0", Spdx("Apache-2.0")),
    ("apache software license, version 2.0", Spdx("Apache-2.0")),
    ("apache 2", Spdx("Apache-2.0")),
    ("apache license", Spdx("Apache-2.0")),
    ("asl 2.0", Spdx("Apache-2.0")),
    ("bsd-3", Spdx("BSD-3-Clause")),
    ("bsd 3-clause", Spdx("BSD-3-Clause")),
    ("bsd 3-clause license", Spdx("BSD-3-Clause")),
    ("3-clause bsd", Spdx("BSD-3-Clause")),
    ("3-clause bsd license", Spdx("BSD-3-Clause")),
    ("new bsd", Spdx("BSD-3-Clause")),
    ("new bsd license", Spdx("BSD-3-Clause")),
    ("modified bsd", Spdx("BSD-3-Clause")),
    ("modified bsd license", Spdx("BSD-3-Clause")),
    ("revised bsd", Spdx("BSD-3-Clause")),
    ("bsd-2", Spdx("BSD-2-Clause")),
    ("bsd 2-clause license", Spdx("BSD-2-Clause")),
    ("2-clause bsd", Spdx("BSD-2-Clause")),
    ("simplified bsd", Spdx("BSD-2-Clause")),
    ("freebsd", Spdx("BSD-2-Clause")),
    ("psf", Spdx("PSF-2.0")),
    ("psf license", Spdx("PSF-2.0")),
    ("psfl", Spdx("PSF-2.0")),
    ("python software foundation license", Spdx("PSF-2.0")),
    ("mpl 2.0", Spdx("MPL-2.0")),
    ("mpl-2", Spdx("MPL-2.0")),
    ("mozilla public license 2.0", Spdx("MPL-2.0")),
    ("isc license", Spdx("ISC")),
    ("iscl", Spdx("ISC")),
    ("unlicense", Spdx("Unlicense")),
    ("the unlicense", Spdx("Unlicense")),
    ("gnu gpl v2", Spdx("GPL-2.0-only")),
    ("gnu lgpl", Ambiguous),
    ("lgpl with exceptions", Ambiguous),
    ("bsd", Ambiguous),
    ("bsd license", Ambiguous),
    ("bsd-like", Ambiguous),
    ("gpl", Ambiguous),
    ("lgpl", Ambiguous),
    ("agpl", Ambiguous),
    ("mpl", Ambiguous),
    ("dual license", Ambiguous),
    ("public domain", NotSpdx),
    ("proprietary", NotSpdx),
    ("unlicensed", NotSpdx),
    ("commercial", NotSpdx),
    ("other/proprietary license", NotSpdx),
];

/// Single terms that SPDX lax parsing maps to one version where the author named a family
/// (`bsd` → BSD-2-Clause, `gpl` → GPL-2.0-only, `gnu gpl v2` → GPL-3.0-only): inside compound
/// expressions they are ambiguous too.
pub(crate) const AMBIGUOUS_TERMS: &[&str] = &["bsd", "gpl", "lgpl", "agpl", "mpl", "gnu gpl v2"];

/// The meaning of a classifier's last segment (`MIT License`), if the table knows it.
pub(crate) fn classifier(name: &str) -> Option<Meaning> {
    lookup(CLASSIFIERS, name)
}

/// The meaning of a whole free-form value (`Apache License 2.0`, `BSD License`), if known:
/// classifier names count, since many packages copy them into `License`.
pub(crate) fn free_form(value: &str) -> Option<Meaning> {
    lookup(FREE_FORM, value).or_else(|| lookup(CLASSIFIERS, value))
}

fn lookup(table: &[(&str, Meaning)], name: &str) -> Option<Meaning> {
    let name = name.trim().to_lowercase();
    table
        .iter()
        .find(|(key, _)| *key == name)
        .map(|&(_, meaning)| meaning)
}
