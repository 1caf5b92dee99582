"""The cadre workspace: a village's power list, disclosures and duty reports (/publish/)."""
