"""The embedded demo region Drechtsteden (RES region ES18), shipped with the package."""
