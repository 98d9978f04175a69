//! `tandem serve --demo`: a believable instance to click through.
